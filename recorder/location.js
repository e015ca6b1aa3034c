// Blurring a location on the phone before it is sent: the position is snapped to the centre of a grid cell
// `precisionKm` wide, so the performers see the neighbourhood, not the house. 0 sends it as measured.

const KM_PER_DEGREE = 111.32;

/** {latitude, longitude, accuracy} snapped to a `precisionKm` grid (accuracy in metres grows to match). */
export function blurPosition(coords, precisionKm) {
  const { latitude, longitude, accuracy } = coords;
  if (!(precisionKm > 0)) return { latitude, longitude, accuracy };
  const latStep = precisionKm / KM_PER_DEGREE;
  const lat = (Math.floor(latitude / latStep) + 0.5) * latStep;
  // the longitude grid uses the cell's latitude, so every phone in one cell gets the same point
  const lonStep = precisionKm / (KM_PER_DEGREE * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const lon = (Math.floor(longitude / lonStep) + 0.5) * lonStep;
  const cellRadius = (precisionKm * 1000) / Math.SQRT2;
  return {
    latitude: Math.max(-90, Math.min(90, lat)),
    longitude: ((lon + 540) % 360) - 180,
    accuracy: Math.max(accuracy || 0, cellRadius),
  };
}
