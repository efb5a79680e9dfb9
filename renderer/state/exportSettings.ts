/**
 * Export settings beside the format: JPEG/WebP quality, colour profile and location data, as the export
 * dialog sets them and both exports (the browser's download, the desktop's save) send them to the engine.
 */

/** The quality used when neither the user nor the source says otherwise (the engine's default too). */
export const FALLBACK_QUALITY = 92;

export interface ExportOptions {
  /** JPEG/WebP quality 1..100; null: the source's quality where it could be read, else 92. */
  quality: number | null;
  /** keep: the source's colour values and ICC profile; srgb: converted to sRGB. */
  colorProfile: 'keep' | 'srgb';
  /** Leave out location data (EXIF GPS, XMP GPS properties). */
  stripLocation: boolean;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = {
  quality: null,
  colorProfile: 'keep',
  stripLocation: false,
};

/** Whether a format takes a quality (PNG and TIFF are lossless here). */
export function formatHasQuality(format: string): boolean {
  return format === 'jpeg' || format === 'webp';
}

/**
 * The quality an export uses: the chosen one, else the source's (a JPEG's, read by the engine), else 92.
 * @param sourceQuality the open image's quality (openImage's `quality`), when known.
 */
export function effectiveQuality(opts: ExportOptions, sourceQuality: number | null | undefined): number {
  if (opts.quality !== null) return opts.quality;
  return sourceQuality ?? FALLBACK_QUALITY;
}

/**
 * A settings change, normalised: the quality rounded and clamped to 1..100; a quality that is not a
 * number (an emptied field) goes back to the default (null).
 */
export function withOptions(current: ExportOptions, patch: Partial<ExportOptions>): ExportOptions {
  const next = { ...current, ...patch };
  if (next.quality !== null)
    next.quality = Number.isFinite(next.quality)
      ? Math.max(1, Math.min(100, Math.round(next.quality)))
      : null;
  return next;
}

/** What the engine's exportImage / encodeResult take for these settings and a format. */
export function engineExportOptions(
  format: string,
  opts: ExportOptions,
  sourceQuality: number | null | undefined,
): { quality?: number; colorProfile: 'keep' | 'srgb'; stripLocation: boolean } {
  return {
    ...(formatHasQuality(format) ? { quality: effectiveQuality(opts, sourceQuality) } : {}),
    colorProfile: opts.colorProfile,
    stripLocation: opts.stripLocation,
  };
}
