// The module's umbrella header: everything Swift sees of the C kernels.
#ifndef C_RECUR_KERNELS_H
#define C_RECUR_KERNELS_H
#include "RecurKernels.h"
#include "RecurActivations.h"
#include "RecurLayerNorm.h"
#include "RecurDropout.h"
#include "RecurScheduler.h"
#include "RecurWord2Vec.h"
#include "RecurPrefetch.h"
#endif
