// --no-pivot: the host's procfs and sysfs mounts outside the rootfs are taken out of the
// container's mount namespace before the MS_MOVE.
#pragma once

// Every full (root "/") proc or sysfs mount whose mount point lies outside `root` (a host
// path, canonicalised here) is made a recursive slave, so nothing propagates back to the host,
// and detached; one that cannot be detached (locked in a user namespace: EINVAL, EPERM) is
// covered with a read-only tmpfs. Fails the op on any other error.
void hide_host_proc_sys(const char* root);
