/**
 * Fast scans of byte masks (most of a mask is 0: step over zeros four bytes at a time). Shared with the
 * editor: the code lives in app/common/maskScan.ts.
 */
export { byteSum, nextNonZero, nonZeroBox, wordsOf } from '../common/maskScan';
