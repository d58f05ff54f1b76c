/**
 * linux.mountLabel (config-linux.md "Mount Label"): the SELinux context of the container's
 * mounts, given to the kernel as the `context="LABEL"` mount option (quoted: a label has
 * commas between its categories), as runc's label.FormatMountLabel does. runc adds it to every
 * mount it makes with mount data except proc and sysfs (the kernel labels those itself), mqueue
 * and bind mounts (mount(2) ignores the data of a bind); berth follows it.
 */
const UNLABELLED = new Set(['proc', 'sysfs', 'mqueue', 'cgroup2']);

/** The mount data with the label added, or as it was where the label does not apply. Pure. */
export function withMountLabel(type: string, data: string, label: string | undefined): string {
  if (!label || UNLABELLED.has(type)) return data;
  const ctx = `context="${label}"`;
  return data ? `${data},${ctx}` : ctx;
}
