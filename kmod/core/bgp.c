// SPDX-License-Identifier: GPL-2.0
/*
 * bgp.c - BGP session health from the data path (bgp.h): the per-session
 * state a TCP segment on port 179 updates, the retransmission rule and the
 * window-close verdict.
 */
#include <nfsketch/bgp.h>
#include <nfsketch/flow.h>
#include <nfsketch/tunables.h>

#define NFSK_BGP_EWMA_SHIFT	3	/* baseline weight 1/8 */

void nfsk_bgp_cfg_default(struct nfsk_bgp_cfg *cfg)
{
	cfg->hold_ns = (u64)nfsk_tunables[NFSK_T_bgp_hold_ms].def * 1000000;
	cfg->silence_permille = nfsk_tunables[NFSK_T_bgp_silence_permille].def;
	cfg->retrans_min = nfsk_tunables[NFSK_T_bgp_retrans_min].def;
}

/* Serial number arithmetic (RFC 1982), as the kernel's after(). */
static bool seq_after(u32 a, u32 b)
{
	return (s32)(b - a) < 0;
}

static u32 rd32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

void nfsk_bgp_seg_init(struct nfsk_bgp_seg *seg,
		       const struct nfsk_flow_key *key, const u8 *th, u32 len,
		       u64 now_ns)
{
	memcpy(seg->src, key->saddr, 16);
	memcpy(seg->dst, key->daddr, 16);
	seg->sport = key->sport;
	seg->dport = key->dport;
	seg->family = key->family;
	seg->tcp_flags = th[13];
	seg->seq = rd32(th + 4);
	seg->len = len;
	seg->now_ns = now_ns;
	seg->head = NULL;
	seg->head_len = 0;
}

/* Symmetric in the two ends, so both directions meet in one bucket. */
u32 nfsk_bgp_bucket_of(const struct nfsk_bgp_seg *seg, u32 nbuckets)
{
	u32 a = 0, b = 0, i, h;

	for (i = 0; i < 16; i += 4) {
		a = a * 0x9e3779b1U + rd32(seg->src + i);
		b = b * 0x9e3779b1U + rd32(seg->dst + i);
	}
	a += seg->sport;
	b += seg->dport;
	h = (a ^ b) + (a + b) * 0x85ebca6bU;
	h ^= h >> 15;
	h *= 0xc2b2ae35U;
	h ^= h >> 13;
	return h & (nbuckets - 1);
}

/* Side 0 is the end whose (address, port) sorts first. */
static int end_cmp(const u8 *a, u16 ap, const u8 *b, u16 bp)
{
	int c = memcmp(a, b, 16);

	if (c)
		return c;
	return (int)ap - (int)bp;
}

static bool sess_is(const struct nfsk_bgp_sess *s,
		    const struct nfsk_bgp_seg *seg, u32 *side)
{
	if (!s->used || s->family != seg->family)
		return false;
	if (s->port[0] == seg->sport && s->port[1] == seg->dport &&
	    !memcmp(s->addr[0], seg->src, 16) &&
	    !memcmp(s->addr[1], seg->dst, 16)) {
		*side = 0;
		return true;
	}
	if (s->port[1] == seg->sport && s->port[0] == seg->dport &&
	    !memcmp(s->addr[1], seg->src, 16) &&
	    !memcmp(s->addr[0], seg->dst, 16)) {
		*side = 1;
		return true;
	}
	return false;
}

static u64 sess_last(const struct nfsk_bgp_sess *s)
{
	return s->dir[0].last_ns > s->dir[1].last_ns ? s->dir[0].last_ns :
						       s->dir[1].last_ns;
}

static void sess_init(struct nfsk_bgp_sess *s, const struct nfsk_bgp_seg *seg,
		      u32 *side)
{
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->family = seg->family;
	if (end_cmp(seg->src, seg->sport, seg->dst, seg->dport) <= 0) {
		memcpy(s->addr[0], seg->src, 16);
		memcpy(s->addr[1], seg->dst, 16);
		s->port[0] = seg->sport;
		s->port[1] = seg->dport;
		*side = 0;
	} else {
		memcpy(s->addr[0], seg->dst, 16);
		memcpy(s->addr[1], seg->src, 16);
		s->port[0] = seg->dport;
		s->port[1] = seg->sport;
		*side = 1;
	}
}

s32 nfsk_bgp_open_hold(const u8 *p, u32 avail, u32 len)
{
	u32 msg_len, hold, i;

	if (avail < NFSK_BGP_OPEN_HEAD || len < NFSK_BGP_OPEN_MIN ||
	    p[18] != NFSK_BGP_TYPE_OPEN || p[19] != 4)	/* BGP-4 */
		return -1;
	msg_len = (u32)p[16] << 8 | p[17];
	if (msg_len < NFSK_BGP_OPEN_MIN || msg_len > NFSK_BGP_MSG_MAX ||
	    msg_len > len)
		return -1;		/* not wholly in this segment */
	for (i = 0; i < NFSK_BGP_MARKER_LEN; i++)
		if (p[i] != 0xff)
			return -1;
	hold = (u32)p[22] << 8 | p[23];
	if (hold == 1 || hold == 2)
		return -1;		/* invalid (RFC 4271 4.2) */
	return (s32)hold;
}

u32 nfsk_bgp_hold_ms(const struct nfsk_bgp_sess *s, u32 *ms)
{
	u32 n = 0, hold = 0xffff, i;

	for (i = 0; i < 2; i++) {
		if (!(s->opens & (1U << i)))
			continue;
		n++;
		if (s->open_hold_s[i] < hold)
			hold = s->open_hold_s[i];
	}
	*ms = n ? hold * 1000 : 0;
	return n;
}

/*
 * The hold time @s is judged by, ns: the one its OPENs negotiated, else
 * bgp_hold_ms. *@none: the OPENs said 0, no KEEPALIVEs (and bgp_hold_ms is
 * returned, to bound idleness).
 */
static u64 sess_hold_ns(const struct nfsk_bgp_sess *s,
			const struct nfsk_bgp_cfg *cfg, bool *none)
{
	u32 ms;

	*none = false;
	if (!nfsk_bgp_hold_ms(s, &ms))
		return cfg->hold_ns;
	if (!ms) {
		*none = true;
		return cfg->hold_ns;
	}
	return (u64)ms * 1000000;
}

/* Find @seg's session in @b, or a way for it; NULL: none may be taken. */
static struct nfsk_bgp_sess *sess_get(struct nfsk_bgp_bucket *b,
				      const struct nfsk_bgp_cfg *cfg,
				      const struct nfsk_bgp_seg *seg, u32 *side)
{
	struct nfsk_bgp_sess *free = NULL, *victim = NULL;
	u64 victim_last = 0;
	u32 i;

	for (i = 0; i < NFSK_BGP_WAYS; i++) {
		struct nfsk_bgp_sess *s = &b->s[i];
		u64 last, hold;
		bool none;

		if (sess_is(s, seg, side))
			return s;
		if (!s->used) {
			if (!free)
				free = s;
			continue;
		}
		last = sess_last(s);
		hold = sess_hold_ns(s, cfg, &none);
		/*
		 * now was read before the bucket lock: another CPU may have
		 * stored a later last since; that session is alive too.
		 */
		if (!s->closed &&
		    (last >= seg->now_ns || seg->now_ns - last <= hold))
			continue;	/* alive: never evicted */
		if (!victim || last < victim_last) {
			victim = s;
			victim_last = last;
		}
	}
	if (!free && victim) {
		free = victim;
		b->evicted++;
	}
	if (!free) {
		b->full++;
		return NULL;
	}
	sess_init(free, seg, side);
	return free;
}

static void dir_segment(struct nfsk_bgp_sess *s, struct nfsk_bgp_dir *d,
			const struct nfsk_bgp_seg *seg)
{
	u32 span = seg->len + !!(seg->tcp_flags & NFSK_TCP_SYN) +
		   !!(seg->tcp_flags & NFSK_TCP_FIN);
	u32 end = seg->seq + span;

	d->last_ns = seg->now_ns;
	if (!span)
		return;		/* a pure ACK: no sequence space */
	if (d->have_end && !seq_after(end, d->max_end)) {
		s->retrans++;
		s->win_retrans++;
		return;
	}
	d->max_end = end;
	d->have_end = 1;
	if (seg->len) {
		d->last_new_ns = seg->now_ns;
		d->silent = 0;
	}
}

/* @seg is a SYN this direction sent already: nothing after it yet. */
static bool syn_again(const struct nfsk_bgp_dir *d,
		      const struct nfsk_bgp_seg *seg)
{
	return d->have_end && d->max_end == seg->seq + 1;
}

struct nfsk_bgp_sess *nfsk_bgp_segment(struct nfsk_bgp_bucket *b,
				       const struct nfsk_bgp_cfg *cfg,
				       const struct nfsk_bgp_seg *seg)
{
	struct nfsk_bgp_sess *s;
	u32 side;

	s = sess_get(b, cfg, seg, &side);
	if (!s)
		return NULL;
	/*
	 * A connection opened again on the same ends is a new session, its
	 * sequence numbers afresh: after a RST or FIN, and also without one
	 * seen (a peer that restarted, its RST lost), unless the SYN is the
	 * one this end already sent (a retransmitted SYN).
	 */
	if ((seg->tcp_flags & (NFSK_TCP_SYN | NFSK_TCP_ACK)) == NFSK_TCP_SYN &&
	    (s->closed || !syn_again(&s->dir[side], seg)))
		sess_init(s, seg, &side);
	s->segments++;
	dir_segment(s, &s->dir[side], seg);
	if (seg->tcp_flags & NFSK_TCP_SYN) {
		s->dir[side].syn = 1;
		s->open_seq[side] = seg->seq + 1;
	}
	/*
	 * One OPEN per end, its first data (ISN + 1, the SYN seen): a segment
	 * that merely looks like one, or a forged one, elsewhere in the
	 * stream cannot set the session's hold time, before the real OPEN or
	 * after it; a SYN carries no BGP message. A session first seen
	 * established learns no OPEN: bgp_hold_ms.
	 */
	if (seg->head && seg->len >= NFSK_BGP_OPEN_MIN &&
	    !(s->opens & (1U << side)) && !(seg->tcp_flags & NFSK_TCP_SYN) &&
	    s->dir[side].syn && seg->seq == s->open_seq[side]) {
		s32 hold = nfsk_bgp_open_hold(seg->head, seg->head_len,
					      seg->len);

		if (hold >= 0) {
			s->opens |= 1U << side;
			s->open_hold_s[side] = (u16)hold;
		}
	}
	if (seg->tcp_flags & NFSK_TCP_RST) {
		s->win_rst++;
		s->closed |= NFSK_BGP_RESET;
	}
	if (seg->tcp_flags & NFSK_TCP_FIN) {
		s->win_fin++;
		s->closed |= NFSK_BGP_CLOSED;
	}
	return s;
}

static u64 ns_to_ms(u64 ns)
{
	return nfsk_div_u64(ns, 1000000);
}

static void judge_silence(struct nfsk_bgp_sess *s,
			  const struct nfsk_bgp_cfg *cfg, u64 now_ns,
			  struct nfsk_bgp_verdict *v)
{
	bool none;
	u64 hold = sess_hold_ns(s, cfg, &none);
	u64 limit = nfsk_div_u64(hold * cfg->silence_permille, 1000);
	u32 i;

	if (s->closed || none)
		return;		/* ended, or no KEEPALIVEs: not silent */
	for (i = 0; i < 2; i++) {
		struct nfsk_bgp_dir *d = &s->dir[i];
		u64 quiet;

		if (!d->last_new_ns || now_ns < d->last_new_ns)
			continue;
		quiet = now_ns - d->last_new_ns;
		if (quiet <= limit || d->silent)
			continue;
		d->silent = 1;
		v->reasons |= NFSK_BGP_SILENT;
		if (ns_to_ms(quiet) > v->silence_ms)
			v->silence_ms = ns_to_ms(quiet);
		v->threshold_ms = ns_to_ms(limit);
	}
}

u32 nfsk_bgp_close(struct nfsk_bgp_sess *s, const struct nfsk_bgp_cfg *cfg,
		   u64 now_ns, struct nfsk_bgp_verdict *v)
{
	u64 r256, hold;
	bool none;

	memset(v, 0, sizeof(*v));
	if (!s->used)
		return 0;
	v->retrans = s->win_retrans;
	v->baseline = (u32)(((u64)s->base256 + 128) >> 8);
	v->rst = s->win_rst;
	v->fin = s->win_fin;
	r256 = (u64)s->win_retrans << 8;
	if (s->win_retrans >= cfg->retrans_min && r256 > 2 * (u64)s->base256)
		v->reasons |= NFSK_BGP_RETRANS;
	if (s->win_rst)
		v->reasons |= NFSK_BGP_RESET;
	if (s->win_fin)
		v->reasons |= NFSK_BGP_CLOSED;
	judge_silence(s, cfg, now_ns, v);

	/* base += (r - base) / 8, saturating at the u32's range */
	r256 += (u64)s->base256 * ((1 << NFSK_BGP_EWMA_SHIFT) - 1);
	r256 >>= NFSK_BGP_EWMA_SHIFT;
	s->base256 = r256 > 0xffffffffULL ? 0xffffffffU : (u32)r256;
	s->win_retrans = 0;
	s->win_rst = 0;
	s->win_fin = 0;
	hold = sess_hold_ns(s, cfg, &none);
	if (s->closed && !v->reasons && sess_last(s) < now_ns &&
	    now_ns - sess_last(s) > hold)
		s->used = 0;
	return v->reasons;
}

u32 nfsk_bgp_state(const struct nfsk_bgp_sess *s)
{
	if (s->closed & NFSK_BGP_RESET)
		return NFSKETCH_BGP_STATE_RESET;
	if (s->closed & NFSK_BGP_CLOSED)
		return NFSKETCH_BGP_STATE_CLOSED;
	if (s->dir[0].silent || s->dir[1].silent)
		return NFSKETCH_BGP_STATE_SILENT;
	return NFSKETCH_BGP_STATE_OPEN;
}
