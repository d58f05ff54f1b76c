import { readFileSync } from 'node:fs';

/** A process recorded by pid and /proc/PID/stat start time (pid reuse guard). */
export interface ProcRef {
  pid: number;
  startTime: number;
}

export interface ProcStat {
  state: string;
  ppid: number;
  startTime: number;
}

/** Fields of /proc/PID/stat (the comm field may contain spaces and parentheses). */
export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  return { state: rest[0] ?? '?', ppid: Number(rest[1]), startTime: Number(rest[19]) };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

/** True when pid is alive (not a zombie) and is the same process that was recorded. */
export function isSameLiveProcess(pid: number, startTime: number): boolean {
  if (!(pid > 0)) return false;
  const st = readStat(pid);
  return st !== undefined && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}
