// Open MPI's C API through dlopen (RTLD_GLOBAL, as its plugins need). Open MPI's handles are the
// addresses of exported objects (MPI_COMM_WORLD is &ompi_mpi_comm_world, MPI_FLOAT is
// &ompi_mpi_float, MPI_SUM is &ompi_mpi_op_sum, MPI_IN_PLACE is (void *)1), so they come from
// dlsym too and no mpi.h is needed to build.
#include "CMPI.h"
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>

typedef int (*init_fn)(int *, char ***);
typedef int (*comm_int_fn)(void *, int *);
typedef int (*allreduce_fn)(const void *, void *, int, void *, void *, void *);
typedef int (*bcast_fn)(void *, int, void *, int, void *);
typedef int (*comm_fn)(void *);
typedef int (*void_fn)(void);
typedef int (*flag_fn)(int *);

static struct {
    init_fn init;
    flag_fn initialized;
    comm_int_fn rank, size;
    allreduce_fn allreduce;
    bcast_fn bcast;
    comm_fn barrier;
    void_fn finalize;
    void *world, *f32, *f64, *byte, *sum, *max, *min;
} mpi;

int gg_mpi_load(char *error, long length) {
    if (mpi.init) return 0;
    const char *names[] = {"libmpi.so.40", "libmpi.so"};
    void *library = NULL;
    for (int i = 0; i < 2 && !library; i++) library = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(error, (size_t)length, "cannot load Open MPI's libmpi.so.40 (%s); install it with apt-get install openmpi-bin", dlerror());
        return -1;
    }
#define GG_LOAD(field, symbol)                                                                      \
    *(void **)&mpi.field = dlsym(library, symbol);                                                  \
    if (!mpi.field) {                                                                               \
        snprintf(error, (size_t)length, "libmpi has no %s: GradGuard needs Open MPI (Debian's openmpi)", symbol); \
        return -1;                                                                                  \
    }
    GG_LOAD(initialized, "MPI_Initialized")
    GG_LOAD(rank, "MPI_Comm_rank")
    GG_LOAD(size, "MPI_Comm_size")
    GG_LOAD(allreduce, "MPI_Allreduce")
    GG_LOAD(bcast, "MPI_Bcast")
    GG_LOAD(barrier, "MPI_Barrier")
    GG_LOAD(finalize, "MPI_Finalize")
    GG_LOAD(world, "ompi_mpi_comm_world")
    GG_LOAD(f32, "ompi_mpi_float")
    GG_LOAD(f64, "ompi_mpi_double")
    GG_LOAD(byte, "ompi_mpi_byte")
    GG_LOAD(sum, "ompi_mpi_op_sum")
    GG_LOAD(max, "ompi_mpi_op_max")
    GG_LOAD(min, "ompi_mpi_op_min")
    GG_LOAD(init, "MPI_Init")
#undef GG_LOAD
    return 0;
}

int gg_mpi_init(void) {
    if (!mpi.init) return -1;
    int done = 0;
    mpi.initialized(&done);
    return done ? 0 : mpi.init(NULL, NULL);
}

int gg_mpi_rank(void) {
    int r = 0;
    if (mpi.rank) mpi.rank(mpi.world, &r);
    return r;
}

int gg_mpi_size(void) {
    int s = 1;
    if (mpi.size) mpi.size(mpi.world, &s);
    return s;
}

static void *operation(int op) { return op == 1 ? mpi.max : op == 2 ? mpi.min : mpi.sum; }

/// MPI counts are ints: a longer buffer goes in pieces.
static int allreduce(char *data, long count, long size, void *type, int op) {
    if (!mpi.allreduce) return -1;
    for (long done = 0; done < count;) {
        long piece = count - done < INT_MAX ? count - done : INT_MAX;
        int status = mpi.allreduce((void *)1, data + done * size, (int)piece, type, operation(op), mpi.world);
        if (status) return status;
        done += piece;
    }
    return 0;
}

int gg_mpi_allreduce_f32(float *data, long count, int op) { return allreduce((char *)data, count, 4, mpi.f32, op); }

int gg_mpi_allreduce_f64(double *data, long count, int op) { return allreduce((char *)data, count, 8, mpi.f64, op); }

int gg_mpi_bcast_bytes(void *data, long count, int root) {
    if (!mpi.bcast) return -1;
    for (long done = 0; done < count;) {
        long piece = count - done < INT_MAX ? count - done : INT_MAX;
        int status = mpi.bcast((char *)data + done, (int)piece, mpi.byte, root, mpi.world);
        if (status) return status;
        done += piece;
    }
    return 0;
}

int gg_mpi_barrier(void) { return mpi.barrier ? mpi.barrier(mpi.world) : -1; }

int gg_mpi_finalize(void) { return mpi.finalize ? mpi.finalize() : -1; }
