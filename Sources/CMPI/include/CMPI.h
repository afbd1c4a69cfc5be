// Open MPI, loaded at run time: GradGuard builds and runs without MPI, and uses the system's
// libmpi (Debian's openmpi) only when a command was started by mpirun.
#ifndef GRADGUARD_CMPI_H
#define GRADGUARD_CMPI_H

/// Loads libmpi and its entry points; 0 on success, else -1 with a reason in `error`.
int gg_mpi_load(char *error, long length);
/// MPI_Init (once); 0 on success.
int gg_mpi_init(void);
/// This process's rank and the number of processes in MPI_COMM_WORLD (after gg_mpi_init).
int gg_mpi_rank(void);
int gg_mpi_size(void);
/// In-place all-reduce over MPI_COMM_WORLD. op: 0 sum, 1 max, 2 min. 0 on success.
int gg_mpi_allreduce_f32(float *data, long count, int op);
int gg_mpi_allreduce_f64(double *data, long count, int op);
/// Broadcast `count` bytes from `root`; 0 on success.
int gg_mpi_bcast_bytes(void *data, long count, int root);
/// MPI_Barrier; 0 on success.
int gg_mpi_barrier(void);
/// MPI_Finalize; 0 on success.
int gg_mpi_finalize(void);

#endif
