/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tunables-table.h - the table of nfsketch's tunables, one line each:
 *
 *   NFSK_TUNABLE(name, CONFIG attribute without NFSKETCH_A_CONFIG_,
 *                min, max, default, power of two, needs new memory, help)
 *
 * No include guard, on purpose: the includer defines NFSK_TUNABLE() to what
 * it needs, includes this file, and undefines it (as the kernel's
 * kvm-x86-ops.h). Expanded into enum nfsk_tunable_id and nfsk_tunables[]
 * (<nfsketch/tunables.h>, kmod/core/tunables.c) and, in the module, into
 * the configuration's offsets and compile-time defaults (kmod/config.c) and
 * the module parameters with their modinfo descriptions (kmod/params.c):
 * the kernel parses module parameters before module init runs, so they
 * must be known at compile time.
 */
NFSK_TUNABLE(window_ms, WINDOW_MS, 100, 3600000, 10000, false, false,
	     "window length, ms")
NFSK_TUNABLE(history, HISTORY, 4, 4096, 360, false, true,
	     "windows kept in the history")
NFSK_TUNABLE(cms_width, CMS_WIDTH, 64, 1048576, 8192, true, true,
	     "Count-Min columns per row, a power of two")
NFSK_TUNABLE(cms_depth, CMS_DEPTH, 1, 8, 2, false, true,
	     "Count-Min rows")
NFSK_TUNABLE(sah_entries, SAH_ENTRIES, 64, 65536, 1024, true, true,
	     "Sample-and-Hold flow table entries, a power of two")
NFSK_TUNABLE(topk, TOPK, 1, NFSK_TOPK_MAX, 16, false, false,
	     "top flows kept per window")
NFSK_TUNABLE(k_sigma_milli, K_SIGMA_MILLI, 500, 20000, 2000, false, false,
	     "volume/entropy threshold: mean + k sigma, k in thousandths")
NFSK_TUNABLE(density_w, DENSITY_W, 8, 4096, 360, false, false,
	     "windows of the density detector's reference")
NFSK_TUNABLE(density_k, DENSITY_K, 1, 64, 5, false, false,
	     "neighbours of the density detector")
NFSK_TUNABLE(min_history, MIN_HISTORY, 2, 4096, 12, false, false,
	     "windows of warm-up before a detector may flag")
NFSK_TUNABLE(hh_permille, HH_PERMILLE, 1, 1000, 100, false, false,
	     "heavy hitter: a flow above this share of a window's bytes, per mille")
NFSK_TUNABLE(flap_half_life_ms, FLAP_HALF_LIFE_MS, 1000, 86400000, 900000, false, false,
	     "RFC 2439 penalty half-life, ms")
NFSK_TUNABLE(flap_suppress, FLAP_SUPPRESS, 1000, 100000, 2000, false, false,
	     "RFC 2439 suppress threshold")
NFSK_TUNABLE(flap_reuse, FLAP_REUSE, 100, 100000, 750, false, false,
	     "RFC 2439 reuse threshold, below flap_suppress")
NFSK_TUNABLE(event_rate, EVENT_RATE, 1, 1000000, 100, false, false,
	     "notifications per second")
NFSK_TUNABLE(min_packets, MIN_PACKETS, 1, 0xffffffff, 10000, false, false,
	     "smallest window, packets, judged for VOLUME_SPIKE and ENTROPY_SHIFT")
NFSK_TUNABLE(min_bytes, MIN_BYTES, 1, 0xffffffff, 10000000, false, false,
	     "smallest VOLUME_SPIKE and HEAVY_HITTER, bytes")
NFSK_TUNABLE(min_entropy_delta, MIN_ENTROPY_DELTA, 1, 64000, 250, false, false,
	     "smallest ENTROPY_SHIFT, milli-bits")
NFSK_TUNABLE(min_route_events, MIN_ROUTE_EVENTS, 1, 0xffffffff, 10, false, false,
	     "smallest ROUTE_CHURN, route events per window")
NFSK_TUNABLE(window_align, WINDOW_ALIGN, 0, 1, 1, false, false,
	     "1: windows end at wall-clock multiples of window_ms, as on other routers")
NFSK_TUNABLE(drift_w, DRIFT_W, 0, 64, 20, false, false,
	     "windows the drift detector fits its slope over: 0 = off, else at least 8")
NFSK_TUNABLE(drift_slope_permille, DRIFT_SLOPE_PERMILLE, 1, 1000, 10, false, false,
	     "VOLUME_SPIKE on a ramp: volume rising by this per mille of its mean per window")
NFSK_TUNABLE(route_track_max, ROUTE_TRACK_MAX, 0, 16777216, 2097152, false, false,
	     "present routes tracked per namespace: add vs replace, exact route sizes")
NFSK_TUNABLE(flap_track_max, FLAP_TRACK_MAX, 0, 16777216, 2097152, false, false,
	     "prefixes with an RFC 2439 flap history per namespace, 112 bytes each")
NFSK_TUNABLE(withdraw_burst_permille, WITHDRAW_BURST_PERMILLE, 1, 1000, 500, false, false,
	     "ROUTE_WITHDRAW_BURST: withdrawn per mille of a table's routes of one protocol")
NFSK_TUNABLE(withdraw_burst_min, WITHDRAW_BURST_MIN, 1, 0xffffffff, 100, false, false,
	     "ROUTE_WITHDRAW_BURST: at least this many withdrawals")
NFSK_TUNABLE(more_specific, MORE_SPECIFIC, 0, 1, 1, false, false,
	     "1: ROUTE_MORE_SPECIFIC for a new prefix inside a shorter one going elsewhere")
NFSK_TUNABLE(bgp_sessions, BGP_SESSIONS, 8, 4096, 64, true, false,
	     "BGP sessions (TCP port 179) tracked per namespace; a change forgets them")
NFSK_TUNABLE(bgp_hold_ms, BGP_HOLD_MS, 3000, 65535000, 90000, false, false,
	     "BGP_SESSION: hold time of a session whose BGP OPENs were not seen, ms")
NFSK_TUNABLE(bgp_silence_permille, BGP_SILENCE_PERMILLE, 1, 1000, 667, false, false,
	     "BGP_SESSION silent: no new data from one end for this per mille of hold time")
NFSK_TUNABLE(bgp_retrans_min, BGP_RETRANS_MIN, 1, 0xffffffff, 3, false, false,
	     "BGP_SESSION retrans: at least this many in a window, and twice the baseline")
