// run((void*)id) on `threads` threads (at most 64), the calling one as id 0, all joined before the
// return: the probes' one way of starting their threads.
#pragma once
#include <pthread.h>

static void run_on_threads(void* (*run)(void*), int threads) {
  pthread_t th[64];
  for (long i = 1; i < threads; i++) pthread_create(&th[i], NULL, run, (void*)i);
  run(0);
  for (long i = 1; i < threads; i++) pthread_join(th[i], NULL);
}
