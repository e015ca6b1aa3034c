// A photo to send with a recording: the phone's camera or a picked image, resized in the page (canvas) so a
// 12-megapixel photo travels as a few hundred KB. Drawing to a canvas keeps only pixels: EXIF (GPS) is not
// copied into the JPEG the canvas writes; the server strips metadata again anyway (exsampling_osc/photos.py).

/** Longest edge sent, in pixels (the server keeps at most 1600). */
export const MAX_EDGE = 1600;
export const QUALITY = 0.85;
const IMAGE_TYPES = /^image\/(jpeg|png|webp|heic|heif|gif|avif)$/i;

/** Width and height that fit `maxEdge` keeping the aspect ratio (never enlarged). */
export function fitSize(width, height, maxEdge = MAX_EDGE) {
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function decode(file) {
  if (window.createImageBitmap) {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" }); // upright, as the phone shows it
    } catch (_) {
      /* Safari before 17 or an odd format: try an <img> */
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = "async";
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Resize `file` (a File or Blob from <input type="file" accept="image/*" capture="environment">) to a JPEG Blob.
 * Resolves {blob, width, height}; rejects with an Error whose `code` is "not-image" for anything else.
 */
export async function resizePhoto(file, maxEdge = MAX_EDGE, quality = QUALITY) {
  if (!file || (file.type && !IMAGE_TYPES.test(file.type))) {
    throw Object.assign(new Error("not an image"), { code: "not-image" });
  }
  let source;
  try {
    source = await decode(file);
  } catch (_) {
    throw Object.assign(new Error("not an image"), { code: "not-image" });
  }
  const w = source.width || source.naturalWidth;
  const h = source.height || source.naturalHeight;
  const size = fitSize(w, h, maxEdge);
  const canvas = document.createElement("canvas");
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; // transparent PNGs get a white background, as the server does
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.drawImage(source, 0, 0, size.width, size.height);
  if (source.close) source.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
  if (!blob) throw Object.assign(new Error("the photo could not be encoded"), { code: "encode" });
  return { blob, ...size };
}
