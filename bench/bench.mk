# bench/bench.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
EXTRA_DIST += bench/audit/run.sh

# bench/train: training tokens/s against PyTorch CPU (bench/train/run.sh builds
# train_bench on demand with `make bench/train/train_bench`).
EXTRA_PROGRAMS = bench/train/train_bench
bench_train_train_bench_SOURCES = bench/train/train_bench.c
bench_train_train_bench_CPPFLAGS = $(AM_CPPFLAGS) $(DEP_CFLAGS)
bench_train_train_bench_LDADD = libpolyphony.la $(DEP_LIBS)
EXTRA_DIST += bench/train/run.sh bench/train/torch_bench.py bench/train/torch_infer.py
CLEANFILES += bench/train/train_bench

# bench/lora: LoRA fine-tuning of a 0.5B-parameter configuration, peak RSS beside the plan.
EXTRA_DIST += bench/lora/run.sh bench/lora/speed.sh bench/lora/torch_lora.py

# bench/streaming: every streaming command of two binaries, outputs compared and speed paired.
EXTRA_DIST += bench/streaming/before-after.sh
