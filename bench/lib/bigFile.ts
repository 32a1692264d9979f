/**
 * The big training file of items 1, 2 and 6: a census CSV (the training service's columns, so the
 * provider's check accepts it) of about the requested size.
 *
 * Drawing 1 GiB of rows one by one would take minutes, so a few distinct 100k-row blocks are
 * drawn and written in turn; hashing and uploading do not care that blocks repeat.
 */
import * as fs from "node:fs";
import { CENSUS_COLUMNS, censusToCsv, generateCensusRows } from "../../data/generate";

/**
 * Writes a census CSV of `bytes` bytes at most (cut at a row boundary) and returns its size.
 *
 * @param file - where to write it
 * @param bytes - target size
 * @param seed - first seed of the distinct blocks
 */
export async function writeCensusCsv(file: string, bytes: number, seed = 1): Promise<number> {
  const header = Buffer.from(CENSUS_COLUMNS.join(",") + "\n");
  const blocks: Buffer[] = [];
  const rowsPerBlock = bytes < 64 * 1024 * 1024 ? 10_000 : 100_000;
  for (let i = 0; i < 6; i++) {
    const csv = censusToCsv(
      generateCensusRows({ rows: rowsPerBlock, seed: seed + i, drift: i / 5 }),
    );
    blocks.push(Buffer.from(csv.slice(csv.indexOf("\n") + 1)));
  }
  const handle = await fs.promises.open(file, "w");
  try {
    await handle.write(header);
    let written = header.length;
    for (let i = 0; written < bytes; i++) {
      let block = blocks[i % blocks.length];
      if (written + block.length > bytes) {
        // Cut at the last row that still fits, so the file stays a valid CSV.
        const cut = block.lastIndexOf(0x0a, bytes - written - 1);
        if (cut < 0) break;
        block = block.subarray(0, cut + 1);
      }
      await handle.write(block);
      written += block.length;
    }
    return written;
  } finally {
    await handle.close();
  }
}
