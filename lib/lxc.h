/* Public header of lib/: everything an applet may call. */
#ifndef LXC_LXC_H
#define LXC_LXC_H

#define LXC_VERSION "1.1.0-static"

#include "error.h"
#include "log.h"
#include "utils.h"
#include "conf.h"
#include "sysconf.h"

#endif
