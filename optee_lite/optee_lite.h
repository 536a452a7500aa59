/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OPTEE_LITE_H
#define OPTEE_LITE_H

#include "compat.h"

/**
 * struct optee_lite - one OP-TEE instance
 * @teedev:	the client device (/dev/teeN)
 * @supp_teedev: the supplicant device (/dev/teeprivN)
 * @pool:	shared memory pool of the driver
 */
struct optee_lite {
	struct tee_device *teedev;
	struct tee_device *supp_teedev;
	struct tee_shm_pool pool;
};

#endif /* OPTEE_LITE_H */
