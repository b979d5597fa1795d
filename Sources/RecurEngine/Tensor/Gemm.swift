// Matrix multiplication for the engine: the C micro-kernels in CRecurKernels do the
// arithmetic on one core; this file splits large products across both cores.
import CRecurKernels
import Dispatch
import Foundation
#if canImport(Accelerate)
import Accelerate
#endif

/// Row-major single-precision matrix products. Every model's cost is here.
public enum Gemm {
    /// Products smaller than this many multiply-adds run on one core: below it the cost
    /// of waking a second thread exceeds the work it would take.
    static let parallelThreshold = 1 << 20

    #if canImport(Accelerate)
    /// Held while a product runs in Accelerate (see `multiply`).
    static let accelerate = NSLock()
    #endif

    /// Cores used by large products.
    public static let threadCount = max(1, min(performanceCoreCount(), 8))

    /// The cores an even split of the work should wait on. Apple Silicon's efficiency
    /// cores would take several times longer over the same share, so there only the
    /// performance cores count (`hw.perflevel0.physicalcpu`; absent on Intel Macs).
    static func performanceCoreCount() -> Int {
        #if canImport(Darwin)
        var count: Int32 = 0
        var size = MemoryLayout<Int32>.size
        if sysctlbyname("hw.perflevel0.physicalcpu", &count, &size, nil, 0) == 0, count > 0 {
            return Int(count)
        }
        #endif
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// The instruction-set path every C kernel runs ("portable", "avx2", "avx512", "neon"):
    /// the best the CPU has unless `RECUR_KERNELS` chose another (RecurKernels.h).
    public static var kernelPath: String { String(cString: recur_kernels_path_name(recur_kernels_path())) }

    /// `C[M×N] = beta·C + op(A)·op(B)`, where `op(A)` is `M×K` (stored `K×M` when
    /// `transposeA`) and `op(B)` is `K×N` (stored `N×K` when `transposeB`). With `beta`
    /// 0 the old contents of C are never read.
    @inline(__always)
    public static func multiply(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        #if canImport(Accelerate)
        if m * n * k >= parallelThreshold, k > 0, accelerate.try() {
            // Apple's BLAS runs large products on the matrix unit of Apple Silicon, which
            // public figures put well above NEON. The unit is shared per cluster, so one
            // caller at a time: a concurrent caller takes the C kernels below instead.
            defer { accelerate.unlock() }
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                        1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        #endif
        let threads = m * n * k >= parallelThreshold ? threadCount : 1
        if threads == 1 {
            recur_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                        a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        // Split the longer side of C; keep column blocks a multiple of the kernel's
        // 16-wide register tile and row blocks a multiple of 8.
        let splitColumns = n >= m
        let length = splitColumns ? n : m
        let align = splitColumns ? 16 : 8
        let chunk = ((length + threads - 1) / threads + align - 1) / align * align
        let pieces = (length + chunk - 1) / chunk
        let aAddress = UInt(bitPattern: a), bAddress = UInt(bitPattern: b), cAddress = UInt(bitPattern: c)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            let start = piece * chunk
            let size = min(chunk, length - start)
            let a = UnsafePointer<Float>(bitPattern: aAddress)!
            let b = UnsafePointer<Float>(bitPattern: bAddress)!
            let c = UnsafeMutablePointer<Float>(bitPattern: cAddress)!
            if splitColumns {
                let bPiece = transposeB ? b + start * ldb : b + start
                recur_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(size), Int32(k),
                            a, Int32(lda), bPiece, Int32(ldb), beta, c + start, Int32(ldc))
            } else {
                let aPiece = transposeA ? a + start : a + start * lda
                recur_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(size), Int32(n), Int32(k),
                            aPiece, Int32(lda), b, Int32(ldb), beta, c + start * ldc, Int32(ldc))
            }
        }
    }
}
