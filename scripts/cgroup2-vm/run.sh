#!/usr/bin/env bash
# The cgroup v2 lane (docs/CGROUPS.md, "The cgroup v2 VM lane"): boot Debian's 6.1 kernel under
# qemu (software emulation, no KVM needed) with a pure cgroup2 hierarchy and every controller
# enabled, share this machine's / read-only (9p, tmpfs overlay on top) and run the cgroup test
# files inside as the VM's root. The exit status is the tests' exit status.
#
#   bash scripts/cgroup2-vm/run.sh [vitest args...]   (npm run test:cgroup2)
#
# Needs: qemu-system-x86 and busybox-static, and systemd for BERTH_VM_SYSTEMD=1 (Debian packages; installed here when root and
# missing), apt-get download for linux-image-6.1.0-*-amd64 (cached under .cache/vm/).
# Env: BERTH_VM_MEM (MiB, default 3072), BERTH_VM_CPUS (default: nproc, at most 4),
# BERTH_VM_TIMEOUT (seconds for the whole VM run, default 900), BERTH_VM_ACCEL (default tcg),
# BERTH_VM_CPU_MODEL (default max),
# BERTH_VM_CMD (a shell command to run inside instead of the tests), BERTH_VM_REPORT (copy the
# vitest JSON report there), BERTH_VM_SYSTEMD=1 (boot systemd as PID 1, the command as its only
# unit: for the systemd cgroup driver's test, test/integration/cgroups-systemd.test.ts),
# BERTH_VM_CRIU=1 (the checkpoint lane: this machine's criu, installed when missing),
# BERTH_VM_APPARMOR=1 (the LSM lane: AppArmor enabled on the kernel command line, this machine's
# apparmor_parser installed when missing, for test/integration/lsm-apparmor.test.ts),
# BERTH_VM_SELINUX=1 (SELinux instead: security=selinux, this machine's selinux-policy-default
# loaded at boot, permissive; for test/integration/lsm-selinux.test.ts),
# BERTH_VM_CGROUP=hybrid|legacy (with BERTH_VM_SYSTEMD=1: systemd mounts cgroup v1 that way
# instead of the pure cgroup2 hierarchy; the systemd driver's v1 lane). Debugging: BERTH_VM_APPEND
# (more kernel parameters, e.g. "systemd.log_level=debug systemd.log_target=kmsg"),
# BERTH_VM_KEEP_OUT=DIR (copy what the command left in /out there).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
CACHE=$REPO/.cache/vm
mkdir -p "$CACHE"

need_pkgs=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need_pkgs+=(qemu-system-x86)
[ -x /bin/busybox ] || need_pkgs+=(busybox-static)
# systemd mode boots this machine's own /lib/systemd/systemd (a Debian container image may lack it).
[ "${BERTH_VM_SYSTEMD:-}" = 1 ] && [ ! -x /lib/systemd/systemd ] && need_pkgs+=(systemd)
# The checkpoint lane (BERTH_VM_CRIU=1) runs this machine's criu in the VM.
[ "${BERTH_VM_CRIU:-}" = 1 ] && [ ! -x /usr/sbin/criu ] && need_pkgs+=(criu)
# The LSM lane (BERTH_VM_APPARMOR=1) loads profiles with this machine's apparmor_parser in the VM.
[ "${BERTH_VM_APPARMOR:-}" = 1 ] && [ ! -x /sbin/apparmor_parser ] && need_pkgs+=(apparmor)
# BERTH_VM_SELINUX=1 loads this machine's compiled reference policy in the VM.
[ "${BERTH_VM_SELINUX:-}" = 1 ] && [ ! -f /etc/selinux/default/policy/policy.33 ] && need_pkgs+=(selinux-policy-default)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "cgroup2-vm: installing ${need_pkgs[*]}"
    # No service may start on this machine during the install (apparmor's would load profiles
    # into the host's kernel): a policy-rc.d that refuses, made only for it when there is none.
    made_rc=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      made_rc=1
    fi
    inst=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null; } || inst=$?
    [ -n "$made_rc" ] && rm -f /usr/sbin/policy-rc.d
    [ "$inst" = 0 ] || { echo "cgroup2-vm: installing ${need_pkgs[*]} failed" >&2; exit 2; }
  else
    echo "cgroup2-vm: missing ${need_pkgs[*]} (install as root: apt-get install ${need_pkgs[*]})" >&2
    exit 2
  fi
fi

# --- the kernel: the newest linux-image-6.1.0-N-amd64 apt knows, cached ---
deb=$(ls "$CACHE"/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$deb" ]; then
  pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -n 1)
  if [ -z "$pkg" ]; then
    [ "$(id -u)" = 0 ] && apt-get update -qq
    pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -n 1)
  fi
  [ -n "$pkg" ] || { echo "cgroup2-vm: apt knows no linux-image-6.1.0-*-amd64 package" >&2; exit 2; }
  echo "cgroup2-vm: downloading $pkg"
  (cd "$CACHE" && apt-get download "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  deb=$(ls "$CACHE"/linux-image-6.1.0-*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$deb" ] || { echo "cgroup2-vm: apt-get download $pkg failed" >&2; exit 2; }
fi
kdir=$CACHE/kernel-$(basename "$deb" .deb)
if [ ! -d "$kdir/boot" ]; then
  rm -rf "$kdir.tmp"
  dpkg -x "$deb" "$kdir.tmp"
  mv "$kdir.tmp" "$kdir"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-*)
moddir=$(ls -d "$kdir"/lib/modules/*)

# --- the initramfs: busybox, /init, the modules in dependency order ---
initrd=$CACHE/initrd-$(basename "$kdir").cpio
if [ ! -f "$initrd" ] || [ scripts/cgroup2-vm/init.sh -nt "$initrd" ] || [ scripts/cgroup2-vm/run.sh -nt "$initrd" ] || [ /bin/busybox -nt "$initrd" ]; then
  ird=$(mktemp -d)
  mkdir -p "$ird"/{bin,proc,sys,dev,modules}
  cp /bin/busybox "$ird/bin/busybox"
  ln -s busybox "$ird/bin/sh"
  cp scripts/cgroup2-vm/init.sh "$ird/init"
  chmod 755 "$ird/init"
  declare -A done_mod=()
  order=()
  # depends= from the .ko's modinfo section (no kmod needed): dependencies first.
  add_mod() {
    local name=$1 f deps d
    [ -n "${done_mod[$name]:-}" ] && return 0
    done_mod[$name]=1
    f=$(find "$moddir" -name "$name.ko" -o -name "$name.ko.xz" | head -n 1)
    [ -n "$f" ] || { echo "cgroup2-vm: module $name not found (built in?)"; return 0; }
    deps=$(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | head -n 1)
    for d in ${deps//,/ }; do add_mod "$d"; done
    cp "$f" "$ird/modules/"
    order+=("$(basename "$f")")
  }
  for m in virtio_pci 9pnet_virtio 9p overlay tun; do add_mod "$m"; done
  # What CRIU (the checkpoint lane, test/integration/checkpoint.test.ts) needs from the kernel
  # for `criu check` and its dumps: veth pairs, nftables (its kerndat probes a concat set),
  # iptables over nft for its network lock, conntrack over netlink (it dumps a netns's
  # connection tracking entries), the sock_diag families it dumps sockets with
  # (libcrc32c, which nf_tables needs, only soft-depends on a crc32c implementation).
  for m in veth crc32c_generic nf_tables nf_conntrack_netlink nft_compat xt_mark iptable_filter ip6table_filter \
    inet_diag tcp_diag udp_diag raw_diag unix_diag netlink_diag af_packet_diag; do add_mod "$m"; done
  printf '%s\n' "${order[@]}" >"$ird/modules.order"
  (cd "$ird" && find . | busybox cpio -o -H newc 2>/dev/null) >"$initrd.tmp"
  mv "$initrd.tmp" "$initrd"
  rm -rf "$ird"
  echo "cgroup2-vm: initramfs with modules: ${order[*]}"
fi

# --- run ---
# Under emulation every berth command (a Node start) takes seconds: long per-test limits, one
# file at a time (vitest's worker RPC times out when the emulated CPUs are saturated), Node's
# compile cache on.
out=$(mktemp -d "$CACHE/out.XXXXXX")
trap '[ -n "${BERTH_VM_KEEP_OUT:-}" ] && cp -a "$out/." "$BERTH_VM_KEEP_OUT/"; rm -rf "$out"' EXIT
FILES=(test/integration/cgroups.test.ts test/integration/cgroups-lifecycle.test.ts test/integration/rootless-cgroup2.test.ts test/integration/state-forkloop.test.ts)
# Arguments: test files (a subset) first, then vitest options.
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  FILES=()
  while [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; do FILES+=("$1"); shift; done
fi
node_bin=$REPO/node_modules/.bin
# The command the VM's init runs in the chroot (the same paths as here).
cmd="cd '$REPO' && export PATH='$node_bin':/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root CI=1 BERTH_CGROUP2_VM=${BERTH_VM_CGROUP:-unified} NODE_COMPILE_CACHE=/tmp/node-compile-cache && vitest run --project integration ${FILES[*]} --no-file-parallelism --testTimeout=300000 --hookTimeout=300000 $* --reporter=verbose --reporter=json --outputFile.json=/out/report.json"
# BERTH_VM_CMD: run that shell command in the VM instead (debugging the lane).
[ -n "${BERTH_VM_CMD:-}" ] && cmd="cd '$REPO' && export PATH='$node_bin':/usr/sbin:/usr/bin:/sbin:/bin HOME=/root && $BERTH_VM_CMD"
printf '%s\n' "$cmd" >"$out/cmd"
# BERTH_VM_SYSTEMD=1: boot systemd as PID 1 and run the command as its only unit.
append="console=ttyS0 panic=-1 quiet loglevel=3 edd=off"
case "${BERTH_VM_CGROUP:-unified}" in
  unified) append="$append cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1" ;;
  hybrid) append="$append systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0" ;;
  legacy) append="$append systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=1" ;;
  *) echo "cgroup2-vm: BERTH_VM_CGROUP must be unified, hybrid or legacy" >&2; exit 2 ;;
esac
if [ "${BERTH_VM_CGROUP:-unified}" != unified ] && [ "${BERTH_VM_SYSTEMD:-}" != 1 ]; then
  echo "cgroup2-vm: BERTH_VM_CGROUP=${BERTH_VM_CGROUP} needs BERTH_VM_SYSTEMD=1 (systemd mounts the v1 hierarchies)" >&2
  exit 2
fi
if [ "${BERTH_VM_SYSTEMD:-}" = 1 ]; then
  : >"$out/systemd"
  append="$append systemd.unit=berth-vm.service systemd.show_status=0 systemd.log_level=warning systemd.log_target=console systemd.firstboot=0 systemd.journald.forward_to_console=0"
fi

# The LSM lane: AppArmor is already the major LSM of Debian's 6.1 kernel (CONFIG_LSM); named here
# so the lane does not hang on that default.
[ "${BERTH_VM_APPARMOR:-}" = 1 ] && append="$append apparmor=1 security=apparmor"
# SELinux as the major LSM; /init loads the policy (permissive, as /etc/selinux/config says).
if [ "${BERTH_VM_SELINUX:-}" = 1 ]; then
  append="$append security=selinux"
  : >"$out/selinux"
fi

# BERTH_VM_APPEND: more kernel parameters (debugging: systemd.log_level=debug ...; later ones win).
[ -n "${BERTH_VM_APPEND:-}" ] && append="$append $BERTH_VM_APPEND"

cpus=${BERTH_VM_CPUS:-$(nproc)}
[ "$cpus" -gt 4 ] && cpus=4
mem=${BERTH_VM_MEM:-3072}
accel=${BERTH_VM_ACCEL:-tcg}
timeout_s=${BERTH_VM_TIMEOUT:-900}
accel_opt=$accel
cpu_model=${BERTH_VM_CPU_MODEL:-max}
[ "$accel" = tcg ] && [ "$cpus" -gt 1 ] && accel_opt="tcg,thread=multi"
start=$(date +%s)
echo "cgroup2-vm: booting $(basename "$vmlinuz") (accel $accel, $cpus cpus, ${mem} MiB, cgroup ${BERTH_VM_CGROUP:-unified}${BERTH_VM_SYSTEMD:+, systemd})"
set +e
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
  -accel "$accel_opt" -cpu "$cpu_model" -smp "$cpus" -m "$mem" \
  -nographic -no-reboot -nodefaults -serial stdio -monitor none \
  -kernel "$vmlinuz" -initrd "$initrd" \
  -append "$append" \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap"
qrc=$?
set -e
end=$(date +%s)
if [ ! -f "$out/rc" ]; then
  echo "cgroup2-vm: FAILED: the VM ended without a result (qemu status $qrc, $((end - start)) s)" >&2
  exit 1
fi
rc=$(cat "$out/rc")
if [ -f "$out/report.json" ]; then
  [ -n "${BERTH_VM_REPORT:-}" ] && cp "$out/report.json" "$BERTH_VM_REPORT"
  "$node_bin/node" -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(`cgroup2-vm: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests+j.numTodoTests} skipped`)' "$out/report.json" || true
fi
echo "cgroup2-vm: tests exited $rc after $((end - start)) s (boot + tests)"
exit "$rc"
