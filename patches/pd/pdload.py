"""[pd load] of the Pd sampler: an /exsampling/sample for the track is read into the table unless
rejected (or older than the loaded one while a query answers); once read, its id, root, mode, length, rate,
loudness gain and loop points become the sampler's."""

from __future__ import annotations

import sys
from pathlib import Path

from pdwriter import Patch, add

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from exsampling_osc.analysis.loudness import DEFAULT_TARGET_LUFS, PEAK_CEILING_DB  # noqa: E402

UNKNOWN_LUFS = -70  # the protocol's loudness_lufs "silent or unknown": such a sample plays unchanged
# gain to the loudness target (the backend's default), lowered so the peak stays at the ceiling
GAIN = f"expr if($f1 > {UNKNOWN_LUFS}, pow(10, min({DEFAULT_TARGET_LUFS} - $f1, {PEAK_CEILING_DB} - $f2) / 20), 1)"


def load(top: Patch) -> None:
    """Add [pd load] to the sampler ``top``."""
    p = top.sub("load", "load")
    p.text(
        "sample: ID LABEL CONFIDENCE PATH ROOT MODE LAT LON RECORDING DURATION STATE LUFS PEAK LS LE. "
        "Loaded unless "
        "rejected; while the answer to our query comes in (newest first) only a newer ID replaces the one "
        "loaded. A rejected sample that is loaded is silenced, and so is the track on /exsampling/unload.",
        60,
    )
    p.obj("ld_gain", GAIN)
    add(
        p,
        """
        obj ld_r r $0-sample | obj ld_un unpack f s f s f s f f f f s f f f f | obj ld_rej sel rejected
        msg ld_rej1 1 | msg ld_rej0 0 | obj ld_mode sel melodic | msg ld_mode1 1 | msg ld_mode0 0
        obj ld_pmode f | obj ld_proot f | obj ld_ppath symbol | obj ld_idt t f f | obj ld_pid v $0-pending
        obj ld_q_r r $0-querying | obj ld_cur_r r $0-cur
        obj ld_dec expr if($f2, if($f1 == $f4, 2, 0), if($f3 == 0 || $f1 > $f4, 1, 0)) | obj ld_sel sel 1 2
        wire ld_r:0 -> ld_un
        wire ld_un:10 -> ld_rej, ld_rej:0 -> ld_rej1, ld_rej:1 -> ld_rej0
        wire ld_rej1:0 -> ld_dec:1, ld_rej0:0 -> ld_dec:1
        wire ld_un:5 -> ld_mode, ld_mode:0 -> ld_mode1, ld_mode:1 -> ld_mode0
        wire ld_mode1:0 -> ld_pmode:1, ld_mode0:0 -> ld_pmode:1
        wire ld_un:4 -> ld_proot:1, ld_un:3 -> ld_ppath:1
        wire ld_un:0 -> ld_idt, ld_idt:1 -> ld_pid, ld_idt:0 -> ld_dec
        wire ld_q_r:0 -> ld_dec:2, ld_cur_r:0 -> ld_dec:3, ld_dec:0 -> ld_sel
        # read the file; only once it is read do its id, root, mode, length and rate become the sampler's
        obj ld_append list append $0-sample | msg ld_read read -resize $1 $2 | obj ld_sf soundfiler
        obj ld_info unpack f | obj ld_psr f | obj ld_frames t f f | obj ld_pframes f | obj ld_gt > 1
        obj ld_ok sel 1 0 | obj ld_commit t b b b b b b | obj ld_sr_s s $0-filesr | obj ld_size_s s $0-size
        obj ld_rm t b b | obj ld_root_s s $0-root | obj ld_mode_s s $0-melodic | msg ld_open 1
        obj ld_gate_s s $0-gate | obj ld_cur_v v $0-pending | obj ld_cur_t t f f | obj ld_cur_s s $0-cur
        obj ld_print_pack pack f f f f f | msg ld_print_msg loaded $1 frames $2 rate $3 root $4 melodic $5
        obj ld_fail_v v $0-pending | msg ld_fail_msg could not load sample $1 (the one loaded stays)
        obj ld_print print exsampling | msg ld_unload 0 | msg ld_unload_msg unloaded
        wire ld_sel:0 -> ld_ppath, ld_ppath:0 -> ld_append, ld_append:0 -> ld_read, ld_read:0 -> ld_sf
        wire ld_sf:1 -> ld_info, ld_info:0 -> ld_psr:1, ld_sf:0 -> ld_frames, ld_frames:1 -> ld_pframes:1
        wire ld_frames:0 -> ld_gt, ld_gt:0 -> ld_ok
        wire ld_ok:1 -> ld_fail_v, ld_fail_v:0 -> ld_fail_msg, ld_fail_msg:0 -> ld_print
        wire ld_ok:0 -> ld_commit, ld_commit:4 -> ld_psr, ld_psr:0 -> ld_sr_s, ld_psr:0 -> ld_print_pack:2
        wire ld_commit:3 -> ld_pframes, ld_pframes:0 -> ld_size_s, ld_pframes:0 -> ld_print_pack:1
        wire ld_commit:2 -> ld_rm, ld_rm:1 -> ld_proot, ld_rm:0 -> ld_pmode, ld_proot:0 -> ld_root_s
        wire ld_pmode:0 -> ld_mode_s, ld_proot:0 -> ld_print_pack:3, ld_pmode:0 -> ld_print_pack:4
        wire ld_commit:1 -> ld_open, ld_open:0 -> ld_gate_s, ld_commit:0 -> ld_cur_v, ld_cur_v:0 -> ld_cur_t
        wire ld_cur_t:1 -> ld_cur_s, ld_cur_t:0 -> ld_print_pack, ld_print_pack:0 -> ld_print_msg
        wire ld_print_msg:0 -> ld_print
        wire ld_sel:1 -> ld_unload, ld_sel:1 -> ld_unload_msg, ld_unload:0 -> ld_gate_s
        wire ld_unload_msg:0 -> ld_print
        obj ul_r r $0-unload | obj ul_t t b b | msg ul_msg unloaded: its sample was deleted
        wire ul_r:0 -> ul_t, ul_t:1 -> ld_unload, ul_t:0 -> ul_msg, ul_msg:0 -> ld_print
        # loudness gain and loop points (frames of the file), made the sampler's with the rest
        obj ld_pgain f 1 | obj ld_pls f -1 | obj ld_ple f -1 | obj ld_lt t b b b | obj ld_gain_s s $0-gain
        obj ld_ls_s s $0-loopstart | obj ld_le_s s $0-loopend
        wire ld_un:14 -> ld_ple:1, ld_un:13 -> ld_pls:1, ld_un:12 -> ld_gain:1, ld_un:11 -> ld_gain
        wire ld_gain:0 -> ld_pgain:1, ld_commit:5 -> ld_lt
        wire ld_lt:2 -> ld_pgain, ld_lt:1 -> ld_pls, ld_lt:0 -> ld_ple
        wire ld_pgain:0 -> ld_gain_s, ld_pls:0 -> ld_ls_s, ld_ple:0 -> ld_le_s
        obj cur_r2 r $0-cur | obj cur_v2 v $0-cur
        wire cur_r2:0 -> cur_v2
    """,
    )
