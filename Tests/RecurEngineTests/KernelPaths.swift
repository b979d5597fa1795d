// Runs a test body once per kernel path (portable, AVX2, AVX-512, NEON) this CPU can run, and
// says which paths ran and which the machine could not test.
import CRecurKernels
import XCTest

enum KernelPaths {
    static let all = [RECUR_KERNELS_PORTABLE, RECUR_KERNELS_AVX2, RECUR_KERNELS_AVX512, RECUR_KERNELS_NEON]
        .map { Int32($0.rawValue) }

    static func name(_ path: Int32) -> String { String(cString: recur_kernels_path_name(path)) }

    /// The paths this CPU runs, printed once per test process with the ones it cannot.
    static let available: [Int32] = {
        let runs = all.filter { recur_kernels_path_supported($0) != 0 }
        let skipped = all.filter { recur_kernels_path_supported($0) == 0 }
        print("kernel paths tested: \(runs.map(name).joined(separator: ", "))"
              + (skipped.isEmpty ? "" : "; not available on this CPU: \(skipped.map(name).joined(separator: ", "))"))
        return runs
    }()

    /// Calls `body(name)` with every available path selected in turn, then restores the
    /// path that was in effect.
    static func forEach(_ body: (String) throws -> Void) rethrows {
        let previous = recur_kernels_path()
        defer { _ = recur_kernels_set_path(previous) }
        for path in available {
            XCTAssertEqual(recur_kernels_set_path(path), path, "could not select \(name(path))")
            try body(name(path))
        }
    }
}
