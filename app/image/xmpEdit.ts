/**
 * Editing an XMP packet for export, on its text (an XMP packet is RDF/XML whose property names are
 * prefix:name; the edits below match the name, whatever prefix the packet binds to the namespace):
 * - Thumbnails (xmp:Thumbnails, a base64 JPEG of the ORIGINAL picture) are removed;
 * - Orientation (tiff:Orientation, the XMP copy of the EXIF tag) is set to 1: exported pixels are upright;
 * - with stripLocation, every GPS property (exif:GPSLatitude, exif:GPSLongitude, ... and the GPS fields of
 *   IPTC location structures) is removed, as attribute or element.
 * A packet that is not UTF-8 text is returned unchanged.
 */

export interface XmpExportOptions {
  /** Remove GPS properties. Default false. */
  stripLocation?: boolean;
}

/** An element `<p:Name ...>...</p:Name>` or `<p:Name .../>` whose name matches `name` (a regex source). */
const element = (name: string) =>
  new RegExp(`<([\\w.-]+):(${name})\\b[^>]*?(?:/>|>[\\s\\S]*?</\\1:\\2\\s*>)`, 'g');
/** An attribute ` p:Name="..."` or ` p:Name='...'` whose name matches `name`. */
const attribute = (name: string) => new RegExp(`\\s[\\w.-]+:(?:${name})\\s*=\\s*(?:"[^"]*"|'[^']*')`, 'g');

/**
 * The XMP packet to write on export (see the file comment). Never throws.
 */
export function xmpForExport(xmp: Buffer, opts: XmpExportOptions = {}): Buffer {
  const text = xmp.toString('utf8');
  if (text.includes('\uFFFD') || text.includes('\0')) return xmp;
  let out = text.replace(element('Thumbnails'), '');
  out = out
    .replace(/(\s[\w.-]+:Orientation\s*=\s*)(["'])\d+\2/g, '$1$21$2')
    .replace(/(<([\w.-]+):Orientation\s*>)\s*\d+\s*(<\/\2:Orientation\s*>)/g, '$11$3');
  if (opts.stripLocation) out = out.replace(element('GPS\\w*'), '').replace(attribute('GPS\\w*'), '');
  return out === text ? xmp : Buffer.from(out, 'utf8');
}
