// Node only: writes a file so that readers see either the old file or the whole new one, never a torn write
// (a checkpoint interrupted by a crash or a full disk leaves the previous checkpoint intact).
// Write to a temporary file in the same directory (rename is atomic only within one file system), fsync it so
// the data is on disk before the name points at it, rename over the target, then fsync the directory so the
// rename itself survives a power loss.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
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
