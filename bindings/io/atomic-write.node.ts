// Node only: writes a file so that readers see either the old file or the whole new one, never a torn write
// (a checkpoint interrupted by a crash or a full disk leaves the previous checkpoint intact).
// Write to a temporary file in the same directory (rename is atomic only within one file system), fsync it so
// the data is on disk before the name points at it, rename over the target, then fsync the directory so the
// rename itself survives a power loss.
// The temporary file is named `.<name>.<pid>.<random>.tmp`, so it can be found: a process killed inside a
// write leaves one behind, and the next save to the same path removes those whose writer is no longer alive.

import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The temporary files of earlier writes to `name`: `.<name>.<pid>.<hex>.tmp`, with their writer's pid. */
function temporaries(name: string, entries: readonly string[]): { file: string; pid: number }[] {
  const pattern = new RegExp(`^\\.${escapeRegExp(name)}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  return entries.flatMap((file) => {
    const match = pattern.exec(file);
    return match ? [{ file, pid: Number(match[1]) }] : [];
  });
}

/** Whether process `pid` exists (signal 0 checks without sending anything; EPERM: it exists, not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files earlier writes to `path` left behind (their process was killed mid-write).
 * Files of a live process are kept: it may be writing. Best effort: a file that cannot be read or removed stays.
 */
export async function sweepTemporaries(path: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch {
    return [];
  }
  const stale = temporaries(basename(path), entries).filter((t) => !alive(t.pid));
  const removed: string[] = [];
  for (const t of stale) {
    const file = join(dirname(path), t.file);
    await unlink(file).then(
      () => removed.push(file),
      () => {},
    );
  }
  return removed;
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await sweepTemporaries(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o644);
  try {
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

/** Best effort: some platforms (Windows) and file systems cannot open or fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename is done; only its durability across a power loss is left to the OS.
  }
}
