// exsampling-simpler.js: the hub's Simpler mode, for Max's [js] object (Max's JavaScript, with LiveAPI).
// A new sample for track T goes into the first Simpler on the Live track named T, through the Live Object
// Model: SimplerDevice's replace_sample (https://docs.cycling74.com/apiref/lom/simplerdevice; reported in
// Live 12.4 and later). Where the Simpler has no replace_sample (older Live) it says "unsupported" and the
// ExSampling sampler devices stay the way to play.
// Pitch: Simpler plays a sample at its own pitch on C3 (MIDI 60), so Transpose = 60 - root and Detune the
// cents; percussive samples switch Simpler to One-Shot (it still follows the key: use our sampler for
// percussive tracks that must keep their pitch).
autowatch = 0;
inlets = 1;
outlets = 1;

var SIMPLER = "OriginalSimpler";

function findSimpler(trackName) {
  var song = new LiveAPI("live_set");
  var n = song.getcount("tracks");
  for (var i = 0; i < n; i++) {
    var track = new LiveAPI("live_set tracks " + i);
    if (String(track.get("name")) !== String(trackName)) continue;
    var count = track.getcount("devices");
    for (var k = 0; k < count; k++) {
      var dev = new LiveAPI("live_set tracks " + i + " devices " + k);
      if (String(dev.get("class_name")) === SIMPLER) return dev;
    }
  }
  return null;
}

function setParameter(dev, name, value) {
  var count = dev.getcount("parameters");
  for (var i = 0; i < count; i++) {
    var p = new LiveAPI(dev.path.replace(/"/g, "") + " parameters " + i);
    if (String(p.get("name")) === name) {
      p.set("value", value);
      return true;
    }
  }
  return false;
}

// the forwarded /exsampling/sample, in declaration order
function sample(track, sampleId, label, confidence, path, root, mode, lat, lon, recordingId, duration, state) {
  if (state === "rejected") return;
  var dev = findSimpler(track);
  if (!dev) {
    outlet(0, "nosimpler", track);
    return;
  }
  if (String(dev.info).indexOf("function replace_sample") < 0) {
    outlet(0, "unsupported", track);
    return;
  }
  dev.call("replace_sample", String(path).replace(/\\/g, "/"));
  dev.set("playback_mode", mode === "percussive" ? 1 : 0);
  if (mode === "melodic") {
    var semis = 60 - Number(root);
    var whole = Math.round(semis);
    setParameter(dev, "Transpose", whole);
    setParameter(dev, "Detune", Math.round((semis - whole) * 100));
  }
  outlet(0, "loaded", track, sampleId);
}
