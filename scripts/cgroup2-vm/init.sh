#!/bin/busybox sh
# /init of the cgroup v2 test VM's initramfs (scripts/cgroup2-vm/run.sh builds it). Loads the
# virtio/9p/overlay modules, mounts the host's / (read-only, 9p) under a tmpfs overlay, mounts a
# pure cgroup2 hierarchy with every controller enabled, switches root there and runs the command the
# host put on the kernel command line; its exit status goes to the "out" share, then power off.
# With /out/systemd (run.sh, BERTH_VM_SYSTEMD=1) systemd becomes PID 1 and runs the command.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod "/modules/$m" || echo "vm-init: insmod $m failed"; done
mkdir -p /lower /upper /newroot /out
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /lower || { echo "vm-init: 9p mount failed"; poweroff -f; }
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out || { echo "vm-init: out share failed"; poweroff -f; }
mount -t tmpfs -o size=75% tmpfs /upper
mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot || { echo "vm-init: overlay failed"; poweroff -f; }
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
# securityfs: where apparmor_parser loads profiles (the LSM lane, BERTH_VM_APPARMOR=1).
mount -t securityfs securityfs $R/sys/kernel/security 2>/dev/null
# BERTH_VM_SELINUX=1 (run.sh): selinuxfs, and the root's compiled policy loaded into the kernel.
if [ -f /out/selinux ]; then
  mount -t selinuxfs selinuxfs $R/sys/fs/selinux
  chroot $R /bin/sh -c 'PATH=/usr/sbin:/sbin:/usr/bin:/bin load_policy' && echo "vm-init: SELinux policy loaded, enforce=$(cat $R/sys/fs/selinux/enforce)" || echo "vm-init: load_policy failed"
fi
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/run $R/tmp $R/out
mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
mount -t tmpfs tmpfs $R/run
# /tmp stays the overlay's (writes land in the tmpfs upper layer): a checkout under the host's
# /tmp must stay visible.
mount --bind /out $R/out
ip link set lo up 2>/dev/null
hostname berth-cgroup2-vm
CMD=$(cat /out/cmd)
if [ -f /out/systemd ]; then
  # systemd mode (BERTH_VM_SYSTEMD=1): systemd is PID 1 on the overlay root and starts only
  # berth-vm.service (systemd.unit= on the kernel command line, no default dependencies), which
  # runs the command, leaves its status in /out/rc and powers off. systemd mounts cgroup2 itself.
  printf '%s\n' "$CMD" >$R/run/berth-vm-cmd
  mkdir -p $R/etc/systemd/system
  cat >$R/etc/systemd/system/berth-vm.service <<'UNIT'
[Unit]
Description=berth VM command
DefaultDependencies=no
[Service]
Type=oneshot
Delegate=yes
StandardInput=null
StandardOutput=tty
StandardError=tty
TTYPath=/dev/console
ExecStart=/bin/sh -c 'echo "vm-init: systemd up for $(cut -d" " -f1 /proc/uptime) s"; /bin/sh /run/berth-vm-cmd; echo $? >/out/rc; sync; echo "vm-init: done, rc=$(cat /out/rc)"; systemctl --force --force poweroff'
UNIT
  : >$R/etc/machine-id
  # Not a container: systemd would take its options from its own argv rather than the kernel's.
  rm -f $R/.dockerenv $R/run/.containerenv
  echo "vm-init: kernel up for $(cut -d" " -f1 /proc/uptime) s; booting systemd"
  exec switch_root $R /lib/systemd/systemd
fi
mount -t cgroup2 -o nsdelegate cgroup2 $R/sys/fs/cgroup
# Every available controller for the children of the root (the tests run in the root cgroup).
for c in $(cat $R/sys/fs/cgroup/cgroup.controllers); do echo "+$c" > $R/sys/fs/cgroup/cgroup.subtree_control; done
echo "vm-init: cgroup2 controllers: $(cat $R/sys/fs/cgroup/cgroup.subtree_control)"
echo "vm-init: kernel up for $(cut -d" " -f1 /proc/uptime) s; running: $CMD"
# switch_root, not chroot: the kernel refuses a user namespace to an unprivileged process that
# is chrooted (user_namespaces(7)), and the rootless tests make one; CRIU refuses to dump a
# task whose root is not its mount namespace's root ("The root task has another root than
# mntns"), and the checkpoint lane dumps containers. The new root's shell runs
# the command, leaves its status in /out/rc and powers off with the host's static busybox.
printf '%s\n' "$CMD" >$R/run/berth-vm-cmd
exec switch_root $R /bin/sh -c '/bin/sh /run/berth-vm-cmd; echo $? >/out/rc; sync; echo "vm-init: done, rc=$(cat /out/rc)"; /bin/busybox poweroff -f'
