"""[pd phrases] of the Pd sampler: the newest composed phrase looped in 16th steps on the sampler's own clock.

Pd has no Live transport, so the player owns one: ``player 1`` starts it at step 0 (a bar line) at
``tempo BPM`` (120 by default), ``player 0`` stops it and ends every sounding note. The rest follows
exsampling_osc.composer.looper, as the Max sampler's player does: a phrase (``/exsampling/phrase`` and its
``/exsampling/phrase/note``) fills the store the playing phrase does not use and takes over at the next bar
line (16 steps); several before it: the newest wins; a note still sounding there ends on that bar line.
(``array get`` answers a list: ``[t f]`` makes it a float for ``sel`` and cold inlets.)
Stores: arrays of 128 (two phrases of up to 64 steps: note, velocity, length in steps, by step) and an
array of 256 (pitch + 1 of the note that ends at that step, by step mod 256). The console says
``exsampling: phrase on NOTE VELOCITY step K``, ``phrase off NOTE step K``, ``phrase ID cued at step K``
and ``playing phrase ID``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pdwriter import Patch, add

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from exsampling_osc.osc import protocol  # noqa: E402

PHRASE = protocol.PREFIX + "/phrase"
PHRASE_NOTE = protocol.PREFIX + "/phrase/note"
NOTE_SELECTOR = PHRASE_NOTE.removeprefix(PHRASE + "/")  # what is left of it after [route ... phrase]

BAR_STEPS = 16  # 4/4, as the composer's phrases and Looper's BEATS_PER_BAR
SLOT = 64  # steps a store holds (4 bars)
RING = 256  # the note-off ring, by step


def _unpack(address: str) -> str:
    return "unpack " + " ".join("s" if a.type == "s" else "f" for a in protocol.get(address).args)


def phrases(top: Patch) -> None:
    """Add [pd phrases] to the sampler ``top``; it reads $0-phrase (the route's ``phrase`` outlet), $0-player
    and $0-tempo, and plays into $0-poly."""
    p = top.sub("phrases", "phrases")
    p.text("phrases: see patches/pd/pdplayer.py. player 1 / 0, tempo BPM; 16 steps a bar.", 60)
    add(
        p,
        f"""
        obj a_note array define $0-ph-note {2 * SLOT} | obj a_vel array define $0-ph-vel {2 * SLOT}
        obj a_dur array define $0-ph-dur {2 * SLOT} | obj a_offs array define $0-offs {RING}
        obj lb loadbang | msg lb_cue {SLOT} | obj cueoff_s s $0-cueoff | msg lb_ms 125 | obj print print exsampling
        wire lb:0 -> lb_cue, lb_cue:0 -> cueoff_s, lb:0 -> lb_ms
        # ---- the clock: player 1 starts at step 0, player 0 stops and ends every note; tempo BPM
        obj pl_r r $0-player | obj pl_sel sel 0 | obj on_t t b b b b | msg on_0 0 | obj metro metro 125
        msg on_since 0 | msg on_msg phrase player on
        obj off_t t b b | msg stop stop | obj alloff_s s $0-alloff | msg off_msg phrase player off
        obj tempo_r r $0-tempo | obj tempo_ms expr 15000 / max($f1, 1)
        obj step f | obj step_inc + 1 | obj k_t t f f f f f | obj k_v v $0-k
        wire lb_ms:0 -> metro:1, tempo_r:0 -> tempo_ms, tempo_ms:0 -> metro:1
        wire pl_r:0 -> pl_sel, pl_sel:1 -> on_t, on_t:3 -> on_0, on_0:0 -> step:1, on_t:0 -> metro
        wire on_t:1 -> on_msg, on_msg:0 -> print
        wire pl_sel:0 -> off_t, off_t:1 -> stop, stop:0 -> metro, off_t:0 -> alloff_s, off_t:0 -> off_msg
        wire off_msg:0 -> print
        wire metro:0 -> step, step:0 -> step_inc, step_inc:0 -> step:1, step:0 -> k_t, k_t:4 -> k_v
        # ---- a note ends: to the voices and the console
        obj nf_r r $0-phoff | obj nf_t t f f | msg nf_msg $1 0 | obj poly_s s $0-poly | obj nf_t2 t f b
        obj nf_k v $0-k | obj nf_app list append | msg nf_print phrase off $1 step $2
        wire nf_r:0 -> nf_t, nf_t:1 -> nf_msg, nf_msg:0 -> poly_s, nf_t:0 -> nf_t2, nf_t2:1 -> nf_k
        wire nf_k:0 -> nf_app:1, nf_t2:0 -> nf_app, nf_app:0 -> nf_print, nf_print:0 -> print
        obj phoff_s s $0-phoff
        # ---- note-offs booked for this step (then forgotten)
        obj of_mod mod {RING} | obj of_t t f f | obj of_get array get $0-offs | obj of_sel sel 0 | obj of_m1 - 1
        obj of_gf t f | obj of_z t b f | msg of_0 0 | obj of_set array set $0-offs
        wire k_t:3 -> of_mod, of_mod:0 -> of_t, of_t:1 -> of_get
        wire of_get:0 -> of_gf, of_gf:0 -> of_sel, of_sel:1 -> of_m1
        wire of_m1:0 -> phoff_s, of_t:0 -> of_z, of_z:1 -> of_set:1, of_z:0 -> of_0, of_0:0 -> of_set
        # ---- every sounding note ends (the swap, player 0): the whole ring, read and emptied
        obj ao_r r $0-alloff | obj ao_t t b b | msg ao_0 0 | msg ao_n {RING} | obj ao_until until | obj ao_f f
        obj ao_inc + 1 | obj ao_t2 t f f | obj ao_get array get $0-offs | obj ao_sel sel 0 | obj ao_m1 - 1
        obj ao_gf t f | obj ao_z t b f | msg ao_zero 0 | obj ao_set array set $0-offs
        wire ao_r:0 -> ao_t, ao_t:1 -> ao_0, ao_0:0 -> ao_f:1, ao_t:0 -> ao_n, ao_n:0 -> ao_until
        wire ao_until:0 -> ao_f, ao_f:0 -> ao_inc, ao_inc:0 -> ao_f:1, ao_f:0 -> ao_t2
        wire ao_t2:1 -> ao_get, ao_get:0 -> ao_gf, ao_gf:0 -> ao_sel, ao_sel:1 -> ao_m1, ao_m1:0 -> phoff_s
        wire ao_t2:0 -> ao_z, ao_z:1 -> ao_set:1, ao_z:0 -> ao_zero, ao_zero:0 -> ao_set
        # ---- the swap: at a bar line with a phrase cued, the cued store plays from this step
        obj sw_due expr ($f1 % {BAR_STEPS} == 0) && $f2 | obj sw_sel sel 1 | obj sw_t t b b b b b b
        obj sw_cue f | obj sw_cue_r r $0-cueoff | obj sw_cue_t t f f | obj sw_other expr {SLOT} - $f1
        obj sw_len f | obj sw_k v $0-k | msg sw_0 0 | obj sw_id f | msg sw_msg playing phrase $1
        wire k_t:2 -> sw_due, sw_due:0 -> sw_sel, sw_sel:0 -> sw_t, sw_t:5 -> alloff_s
        wire sw_t:4 -> sw_cue, sw_cue_r:0 -> sw_cue:1, sw_cue:0 -> sw_cue_t, sw_cue_t:1 -> sw_other
        wire sw_other:0 -> cueoff_s, sw_t:1 -> sw_0, sw_0:0 -> sw_due:1, sw_t:0 -> sw_id, sw_id:0 -> sw_msg
        wire sw_msg:0 -> print
        # ---- note-ons: the playing store's entry at ((k - start) mod length)
        obj ps expr if($f2 > 0, (($f1 - $f3) % max($f2, 1) + max($f2, 1)) % max($f2, 1), -1) | obj ps_moses moses 0
        obj ps_off + 0 | obj ps_t t f f f | obj ps_note array get $0-ph-note | obj ps_vel array get $0-ph-vel
        obj ps_dur_f t f | obj ps_note_f t f | obj ps_vel_f t f | obj ps_dur array get $0-ph-dur
        obj ps_sel sel 0 | obj pn f | obj pv f | obj on_book t b b f
        obj bk_at expr ($f1 + $f2) % {RING} | obj bk_pn f | obj bk_p1 + 1 | obj bk_set array set $0-offs
        obj on_go t b b | obj on_pack pack f f | obj on_k v $0-k | obj on_app list append | obj on_t2 t l b
        msg on_print phrase on $1 $2 step $3
        wire sw_t:3 -> sw_len, sw_len:0 -> ps:1, sw_t:2 -> sw_k, sw_k:0 -> ps:2, sw_cue_t:0 -> ps_off:1
        wire k_t:0 -> ps, ps:0 -> ps_moses, ps_moses:1 -> ps_off, ps_off:0 -> ps_t
        wire ps_t:2 -> ps_note, ps_note:0 -> ps_note_f, ps_note_f:0 -> pn:1, ps_t:1 -> ps_vel, ps_t:0 -> ps_dur
        wire ps_vel:0 -> ps_vel_f, ps_vel_f:0 -> pv:1, ps_dur:0 -> ps_dur_f
        wire ps_dur_f:0 -> ps_sel, ps_sel:1 -> on_book, k_t:1 -> bk_at:1
        wire on_book:2 -> bk_at, bk_at:0 -> bk_set:1, on_book:1 -> bk_pn, ps_note_f:0 -> bk_pn:1, bk_pn:0 -> bk_p1
        wire bk_p1:0 -> bk_set, on_book:0 -> on_go, on_go:1 -> pv, pv:0 -> on_pack:1, on_go:0 -> pn
        wire pn:0 -> on_pack, on_pack:0 -> poly_s, on_pack:0 -> on_t2, on_t2:1 -> on_k, on_t2:0 -> on_app
        wire on_k:0 -> on_app:1
        wire on_t:2 -> on_since, on_since:0 -> ps:2
        wire on_print:0 -> print, on_app:0 -> on_print
        # ---- a phrase: PID COUNT LENGTH PATH X Y TEMPERATURE DENSITY REGISTER KEY LOW HIGH
        obj in_r r $0-phrase | obj in_route route {NOTE_SELECTOR} | obj hd_un {_unpack(PHRASE)}
        obj hd_len expr int($f1 * 4 + 0.5) | obj hd_t t f f b | obj hd_t2 t f b | msg hd_1 1
        obj hd_k v $0-k | obj hd_app list append | msg hd_print phrase $1 cued at step $2
        wire in_r:0 -> in_route, in_route:1 -> hd_un, hd_un:2 -> hd_len, hd_len:0 -> sw_len:1
        wire hd_un:0 -> hd_t, hd_t:1 -> sw_id:1, hd_t:0 -> hd_t2, hd_t2:1 -> hd_1, hd_1:0 -> sw_due:1
        wire hd_t2:1 -> hd_k, hd_k:0 -> hd_app:1, hd_t2:0 -> hd_app, hd_app:0 -> hd_print, hd_print:0 -> print
        # its store emptied first: the lengths of the cued half set to 0
        obj cl_t t b b | msg cl_0 0 | msg cl_n {SLOT} | obj cl_until until | obj cl_f f | obj cl_inc + 1
        obj cl_off + {SLOT} | obj cl_cue_r r $0-cueoff | obj cl_z t b f | msg cl_zero 0
        obj cl_set array set $0-ph-dur
        wire hd_t:2 -> cl_t, cl_t:1 -> cl_0, cl_0:0 -> cl_f:1, cl_t:0 -> cl_n, cl_n:0 -> cl_until
        wire cl_until:0 -> cl_f, cl_f:0 -> cl_inc, cl_inc:0 -> cl_f:1, cl_f:0 -> cl_off, cl_cue_r:0 -> cl_off:1
        wire cl_off:0 -> cl_z, cl_z:1 -> cl_set:1, cl_z:0 -> cl_zero, cl_zero:0 -> cl_set
        # ---- a note: PID INDEX NOTE VELOCITY START LENGTH into the cued store, at its start step
        obj nt_un {_unpack(PHRASE_NOTE)}
        obj nt_len expr max(int($f1 * 4 + 0.5), 1) | obj nt_start expr int($f1 * 4 + 0.5)
        obj nd f | obj ns f | obj nv f | obj nn f | obj nt_b t b | obj nt_at + {SLOT} | obj nt_cue_r r $0-cueoff
        obj nt_t t b b b f f f | obj w_note array set $0-ph-note | obj w_vel array set $0-ph-vel
        obj w_dur array set $0-ph-dur
        wire in_route:0 -> nt_un, nt_un:5 -> nt_len, nt_len:0 -> nd:1, nt_un:4 -> nt_start, nt_start:0 -> ns:1
        wire nt_un:3 -> nv:1, nt_un:2 -> nn:1, nt_un:0 -> nt_b, nt_b:0 -> ns, ns:0 -> nt_at, nt_cue_r:0 -> nt_at:1
        wire nt_at:0 -> nt_t, nt_t:5 -> w_note:1, nt_t:4 -> w_vel:1, nt_t:3 -> w_dur:1
        wire nt_t:2 -> nn, nn:0 -> w_note, nt_t:1 -> nv, nv:0 -> w_vel, nt_t:0 -> nd, nd:0 -> w_dur
    """,
    )
