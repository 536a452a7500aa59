# SPDX-License-Identifier: GPL-2.0
#
# A small stand-in for the kernel's tools/testing/selftests/lib.mk, so each test
# directory has an ordinary kselftest Makefile ("TEST_GEN_PROGS := ...;
# include ../lib.mk") that builds out of the kernel tree too.
#
#   KSFT_DIR       directory with kselftest_harness.h (the kernel's
#                  tools/testing/selftests)
#   KHDR_INCLUDES  -isystem flags for the uapi headers of the kernel under test
#   CROSS_COMPILE  toolchain prefix; programs are linked statically
#   OUTPUT         where the programs go (default: the test directory)
#   INSTALL_PATH   `make install` copies the programs and a list of them there

ifeq ($(KSFT_DIR),)
$(error KSFT_DIR must point at the kernel's tools/testing/selftests)
endif

CC := $(CROSS_COMPILE)gcc
OUTPUT ?= $(CURDIR)
TOP_DIR := $(realpath $(dir $(lastword $(MAKEFILE_LIST)))/..)
# As the kernel's selftests: kselftest_harness.h is not -Wextra clean.
CFLAGS += -O2 -g -Wall -Wstrict-prototypes -Wuninitialized -Werror -D_GNU_SOURCE -pthread \
	  -I$(KSFT_DIR) $(KHDR_INCLUDES) -I$(TOP_DIR)/uapi -I$(TOP_DIR)/selftests/include
LDFLAGS += -static -pthread

TEST_PROGS_OUT := $(addprefix $(OUTPUT)/,$(TEST_GEN_PROGS))

all: $(TEST_PROGS_OUT)

$(OUTPUT)/%: %.c $(wildcard *.h) $(wildcard $(TOP_DIR)/selftests/include/*.h) | $(OUTPUT)
	$(CC) $(CFLAGS) $(filter %.c,$^) $(LDFLAGS) $(LDLIBS) -o $@

$(OUTPUT):
	mkdir -p $@

install: all
	mkdir -p $(INSTALL_PATH)
	cp $(TEST_PROGS_OUT) $(INSTALL_PATH)/
	printf '%s\n' $(TEST_GEN_PROGS) > $(INSTALL_PATH)/tests

clean:
	rm -f $(TEST_PROGS_OUT)

.PHONY: all install clean
