/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfsketch kernel glue: state shared by the module's files.
 *
 * Locking. Per namespace (struct nfsk_net), each lock owned by one file:
 *  - nn->monitor_lock (a mutex, monitor.c) guards whether the namespace is
 *    monitored and everything that exists only while it is (stats, sketch,
 *    history, routes, events): enable and disable take it, and so does
 *    every netlink request reading that state, for the whole request (one
 *    dumpit call), through nfsk_monitor_begin() (or nfsk_monitor_hold(),
 *    which does not enable: CONFIG_GET)/nfsk_monitor_end(). The
 *    packet path and the fib notifier never take it: a namespace not
 *    monitored has no hooks and no notifier registered at all, and disable
 *    unregisters them and waits a grace period before freeing. The works
 *    (window, events) never take it, so disable may wait for them under it;
 *  - the packet path (hooks.c) takes no lock: it reads nn->sketch under the
 *    RCU read lock netfilter holds, reads the sketch's epoch once and writes
 *    its own CPU's bank of that epoch and its per-CPU totals (u64_stats)
 *    with bottom halves disabled;
 *  - nn->lock (a mutex, windows.c) serialises everything else that is not
 *    route or event state: the window close, configuration, the history
 *    ring, the last window's sketch, and the netlink handlers reading them;
 *  - nn->routes->lock (a BH spinlock, routes.c) guards route state, written
 *    from the fib notifier in atomic context (inside RTNL or the RCU read
 *    lock for IPv4, inside the IPv6 table's tb6_lock, also from softirq by
 *    the fib6 GC timer): under it nothing takes RTNL, tb6_lock or nn->lock.
 *    route_set.c (the set of present routes: rhashtable, whose bucket
 *    locks nest inside it; its resize worker and the flush's
 *    rhashtable_free_and_destroy() run with no module lock held) and
 *    anomalies.c work on route state only under it, called by routes.c;
 *    other files go through routes.c's accessors;
 *  - nn->events->lock (a BH spinlock, events.c) guards the paced event
 *    queue, fed by the window close and the fib notifier;
 *  - the BGP session table (bgp.c) is published with RCU in nn->bgp and
 *    replaced whole by CONFIG_SET under nn->lock; each bucket of
 *    NFSK_BGP_WAYS sessions has a spinlock, taken by the hooks (BH
 *    disabled, only for segments with port 179) and, with spin_lock_bh(),
 *    by the window close, STATS_GET and the BGP_GET dump. Under it nothing
 *    else is taken; the alerts are queued after it is dropped. The rules
 *    the hooks read (nn->bgp_cfg) are WRITE_ONCE/READ_ONCE;
 * and, module-wide, nfsk_defaults_lock (a mutex, config.c) guards the
 * defaults new namespaces start from.
 * Order: nn->monitor_lock before nn->lock; nn->lock before routes->lock,
 * before a BGP bucket lock and before events->lock; routes->lock, a BGP
 * bucket lock and events->lock are never held together (routes.c queues an
 * event after dropping its lock); nfsk_defaults_lock is taken alone.
 * nn->monitor_lock is the one lock held while waiting for a grace period
 * (disable: synchronize_net(), the fib notifier's unregistration, the
 * works' flush) and is taken before RTNL (enable registers the fib
 * notifier); nothing holding RTNL takes it. The window close holds no lock
 * while it waits: it waits in queue_rcu_work() between its two works.
 */
#ifndef _NFSKETCH_KMOD_H
#define _NFSKETCH_KMOD_H

#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <uapi/linux/nfsketch.h>

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>
#include <nfsketch/siphash.h>
#include <nfsketch/bank.h>
#include <nfsketch/window.h>
#include <nfsketch/close.h>
#include <nfsketch/detect.h>
#include <nfsketch/flap.h>
#include <nfsketch/route_class.h>
#include <nfsketch/route_series.h>
#include <nfsketch/route_anom.h>
#include <nfsketch/more_spec.h>
#include <nfsketch/route_event.h>
#include <nfsketch/bgp.h>
#include <nfsketch/flags.h>
#include <nfsketch/pace.h>
#include <nfsketch/tunables.h>

#define NFSKETCH_VERSION	"0.2.0"

#define NFSK_HASH_KEY_LEN	16
#define NFSK_U64_ATTR_SIZE	nla_total_size_64bit(sizeof(u64))
#define NFSK_ROUTE_LOG_LEN	256	/* power of two */
/* the prefixes' own ROUTE_FLAP alerts queued at once (events.c) */
#define NFSK_FLAP_RING		2048
/* flap entries the sweep looks at per window close (flap_store.c) */
#define NFSK_FLAP_SWEEP		65536
#define NFSK_FLAP_SWEEP_CHUNK	1024

/* ---- configuration (config.c) ------------------------------------------ */

struct nfsk_config {
	u32	window_ms;
	u32	history;
	u32	cms_width;
	u32	cms_depth;
	u32	sah_entries;
	u32	topk;
	u32	k_sigma_milli;
	u32	density_w;
	u32	density_k;
	u32	min_history;
	u32	hh_permille;
	u32	flap_half_life_ms;
	u32	flap_suppress;
	u32	flap_reuse;
	u32	event_rate;
	u32	min_packets;
	u32	min_bytes;
	u32	min_entropy_delta;
	u32	min_route_events;
	u32	window_align;
	u32	drift_w;
	u32	drift_slope_permille;
	u32	route_track_max;
	u32	flap_track_max;
	u32	withdraw_burst_permille;
	u32	withdraw_burst_min;
	u32	more_specific;
	u32	bgp_sessions;
	u32	bgp_hold_ms;
	u32	bgp_silence_permille;
	u32	bgp_retrans_min;
};

#define NFSK_NR_PARAMS	NFSK_NR_TUNABLES

struct nlattr;
struct netlink_ext_ack;
struct sk_buff;

extern struct nla_policy nfsk_config_policy[NFSKETCH_A_CONFIG_MAX + 1];
extern atomic64_t nfsk_mem_bytes;

void nfsk_config_init_policy(void);
void nfsk_config_defaults(struct nfsk_config *cfg);
u32 nfsk_param_get(const struct nfsk_config *cfg, const struct nfsk_tunable *p);
int nfsk_config_default_show(const struct nfsk_tunable *p, u32 *val);
int nfsk_config_default_store(const struct nfsk_tunable *p, u64 val);
int nfsk_config_default_preset(const struct nfsk_tunable *p, u64 val);
enum nfsk_tunables_cross_err nfsk_config_defaults_cross(void);
int nfsk_modparams_check(void);
int nfsk_config_apply(struct nfsk_config *cfg, struct nlattr **tb,
		      bool *rebuild, struct netlink_ext_ack *extack);
size_t nfsk_config_size(void);
int nfsk_config_put(struct sk_buff *msg, const struct nfsk_config *cfg,
		    const u64 *key_fp);

struct nfsk_events;
struct nfsk_net;

/* ---- routes (routes.c) ------------------------------------------------- */

struct nfsk_route_rec {
	u64	time_ns;
	u64	time_real_ns;	/* CLOCK_REALTIME of the same moment */
	u64	seq;		/* 1, 2, ...: resumes ROUTE_GET dumps */
	u8	dst[16];	/* IPv4 as IPv4-mapped IPv6 */
	u32	table;
	u32	penalty;
	u8	family;		/* NFSK_AF_INET or NFSK_AF_INET6 */
	u8	dst_len;	/* prefix length in its own family */
	u8	event;		/* enum nfsketch_route_event */
	u8	protocol;	/* RTPROT_* */
	u64	reuse_ns;	/* suppressed listing: ns until reuse, else 0 */
};

/* ---- the set of present routes (route_set.c) --------------------------- */

struct rhashtable;
struct nfsk_route_entry;
struct nfsk_route_stats;

/* An rhashtable's bucket array in mem_bytes (rht_mem.c). */
struct nfsk_rht_mem {
	u64			bucket_bytes;	/* when last seen */
};

void nfsk_rht_mem_note(struct nfsk_rht_mem *m, struct rhashtable *ht);
void nfsk_rht_mem_drop(struct nfsk_rht_mem *m);
u64 nfsk_rht_mem_bytes(const struct nfsk_rht_mem *m);

struct nfsk_route_set {
	struct rhashtable	*ht;	/* NULL: none could be made */
	u32			max;	/* route_track_max */
	u32			entries;
	struct nfsk_rht_mem	buckets;	/* ht's array in mem_bytes */
	u64			full;	/* inserts refused at max */
	u64			nomem;	/* inserts failed to allocate */
	struct nfsk_ms_plens	plens;	/* entries per prefix length */
};

int nfsk_route_cache_init(void);
void nfsk_route_cache_exit(void);
int nfsk_route_set_init(struct nfsk_route_set *s, u32 max);
void nfsk_route_set_set_max(struct nfsk_route_set *s, u32 max);
void nfsk_route_set_destroy(struct nfsk_route_set *s);
struct rhashtable *nfsk_route_set_new_table(void);
struct rhashtable *nfsk_route_set_swap(struct nfsk_route_set *s,
				       struct rhashtable *fresh);
void nfsk_route_set_free_table(struct rhashtable *ht);
struct nfsk_route_entry *nfsk_route_set_find(struct nfsk_route_set *s,
					     const struct nfsk_flap_key *k,
					     const struct nfsk_rc_tables *tab,
					     struct nfsk_rc_prefix *prior);
u8 nfsk_route_entry_protocol(const struct nfsk_route_entry *e);
void nfsk_route_set_store(struct nfsk_route_set *s,
			  struct nfsk_route_entry *e,
			  const struct nfsk_flap_key *k,
			  const struct nfsk_rc_prefix *next, u8 protocol,
			  const u32 *nh_fp);
u32 nfsk_route_set_cover(struct nfsk_route_set *s,
			 const struct nfsk_flap_key *k,
			 const struct nfsk_ms_hop *hop,
			 struct nfsk_ms_cover *c);
void nfsk_route_set_stats(struct nfsk_route_set *s,
			  struct nfsk_route_stats *st);
u64 nfsk_route_set_mem_bytes(const struct nfsk_route_set *s);

/* ---- the flap histories (flap_store.c) --------------------------------- */

struct nfsk_flap_node;

struct nfsk_flap_store {
	struct rhashtable	*ht;	/* NULL: none could be made */
	struct list_head	all;	/* every entry: the sweep's round */
	struct list_head	sup;	/* suppressed, in crossing order */
	struct nfsk_flap_node	*hint;	/* the last a dump sent */
	u64			sup_seq;
	u32			max;	/* flap_track_max */
	u32			entries;
	struct nfsk_rht_mem	buckets;	/* ht's array in mem_bytes */
	u64			full;	/* refused at max */
	u64			nomem;	/* failed to allocate */
};

extern const struct nfsk_flap_store_ops nfsk_flap_store_ops;
int nfsk_flap_cache_init(void);
void nfsk_flap_cache_exit(void);
int nfsk_flap_store_init(struct nfsk_flap_store *st, u32 max);
void nfsk_flap_store_set_max(struct nfsk_flap_store *st, u32 max);
void nfsk_flap_store_destroy(struct nfsk_flap_store *st);
void nfsk_flap_store_clear(struct nfsk_flap_store *st);
u32 nfsk_flap_store_sweep(struct nfsk_flap_store *st,
			  struct nfsk_flap_table *t, u64 now, u32 budget);
bool nfsk_flap_store_suppressed_next(struct nfsk_flap_store *st,
				     const struct nfsk_flap_table *t,
				     u64 *after, u64 now,
				     struct nfsk_flap_info *info);
void nfsk_flap_store_note_mem(struct nfsk_flap_store *st);
u64 nfsk_flap_store_mem_bytes(const struct nfsk_flap_store *st);

struct nfsk_routes {
	spinlock_t		lock;	/* all of the below; BH */
	struct notifier_block	nb;
	bool			replaying;	/* registration's replay */
	struct nfsk_route_core	core;	/* sizes, penalties, anomalies */
	u64			window_id;	/* the open window */
	u64			log_seq;
	u32			log_next;
	struct nfsk_route_rec	log[NFSK_ROUTE_LOG_LEN];
	struct nfsk_route_set	set;	/* present prefixes */
	struct nfsk_flap_store	flap;	/* core.flap's entries */
	struct nfsk_events	*events;
};

struct nfsk_route_stats {
	u64	flap_evictions;		/* always 0: none evicted */
	u64	flap_refused;		/* events not tracked: store refused */
	u64	flap_crossings;		/* prefixes that became suppressed */
	u64	nexthop_changes;	/* REPLACEs that were nexthops */
	u32	suppressed;		/* prefixes suppressed now */
	u32	track_entries;		/* the set of present routes */
	u64	track_bytes;		/* its entries and buckets */
	u64	track_full;		/* inserts refused: route_track_max */
	u64	track_nomem;		/* inserts failed: no memory */
	u32	track_untracked;	/* present, not in the set */
	struct nfsk_rs_state	series;	/* per protocol and table */
};

int nfsk_routes_init(struct nfsk_routes *r, const struct nfsk_config *cfg);
void nfsk_routes_free(struct nfsk_routes *r);
int nfsk_routes_register(struct nfsk_net *nn);
void nfsk_routes_unregister(struct nfsk_net *nn);
int nfsk_routes_configure(struct nfsk_routes *r, const struct nfsk_config *cfg);
void nfsk_routes_close_window(struct nfsk_routes *r, struct nfsk_window *win);
void nfsk_routes_forget_all(struct nfsk_routes *r);
void nfsk_routes_table_size(struct nfsk_routes *r, u32 size[2]);
u64 nfsk_routes_mem_bytes(const struct nfsk_routes *r);
void nfsk_routes_flap_stats(struct nfsk_routes *r, struct nfsk_route_stats *st);
void nfsk_routes_sweep(struct nfsk_routes *r);
bool nfsk_routes_suppressed_next(struct nfsk_routes *r, u64 *pos,
				 struct nfsk_route_rec *rec, u64 *reuse_ns);
bool nfsk_routes_log_next(struct nfsk_routes *r, u64 after,
			  struct nfsk_route_rec *rec);

/* ---- route anomalies (anomalies.c) ------------------------------------- */

/* A route's first next hop, as the notifier tells it. */
struct nfsk_anom_nh {
	u8	gw[16];		/* IPv4 in the last 4 bytes, zero if none */
	u32	oif;
	u16	nexthops;
};

struct fib_info;
struct fib6_info;
struct nfsk_alert_rec;
void nfsk_anom_nh_v4(struct nfsk_anom_nh *nh, struct fib_info *fi);
void nfsk_anom_nh_v6(struct nfsk_anom_nh *nh, struct fib6_info *rt,
		     u32 nsiblings);
void nfsk_anom_configure(struct nfsk_routes *r, const struct nfsk_config *cfg);
void nfsk_anom_alert(struct nfsk_events *ev, u64 window_id,
		     const struct nfsk_route_rec *rec,
		     const struct nfsk_ra_verdict *av);

/* ---- events (events.c) ------------------------------------------------- */

struct nfsk_events {
	spinlock_t		lock;	/* the queue: window work, fib notifier */
	struct nfsk_pace	q;
	void			*mem;
	struct delayed_work	work;	/* the sender */
	struct net		*net;
	u64			mem_bytes;
	struct nfsk_pace_event	out;	/* the sender's current event */
};

struct nfsk_net;

int nfsk_events_init(struct nfsk_net *nn, const struct nfsk_config *cfg);
void nfsk_events_configure(struct nfsk_events *ev, const struct nfsk_config *cfg);
void nfsk_events_exit(struct nfsk_net *nn);
void nfsk_events_route(struct nfsk_events *ev, const struct nfsk_route_rec *rec);
void nfsk_events_alert(struct nfsk_events *ev, const struct nfsk_alert_rec *a);
void nfsk_events_route_flap(struct nfsk_events *ev, u64 window_id,
			    const struct nfsk_route_rec *rec, u32 suppress);
void nfsk_events_window_closed(struct nfsk_net *nn, const struct nfsk_window *win);

struct nfsk_events_counts {
	u64	sent;
	u64	coalesced;	/* route events sent only in a summary */
	u64	dropped;
	u64	alerts_dropped;	/* of dropped: ALERT_NTFs */
	u64	flap_unnamed;	/* crossings without their own alert */
};

void nfsk_events_counts(struct nfsk_events *ev, struct nfsk_events_counts *c);
u64 nfsk_events_mem_bytes(const struct nfsk_events *ev);

/* An ALERT_NTF as queued: what the message needs, nothing more. */
struct nfsk_alert_rec {
	u64	window_id;
	u64	start_real_ns;	/* of the window judged */
	u64	value;
	u64	baseline;	/* see enum nfsketch_alert_attr */
	s64	score;
	u32	flag;
	u32	series;
	u32	kind;		/* NFSK_ALERT_* */
	u32	reason;		/* DEFAULT_ROUTE_LOST, ROUTE_MORE_SPECIFIC:
				 * NFSKETCH_DEFAULT_*
				 */
	u8	cover_len;	/* ROUTE_MORE_SPECIFIC: the cover, whose
				 * address is route.dst cut to this length
				 */
	u8	cover_protocol;
	union {
		struct {
			struct nfsk_flow_key	key;
			u64			bytes;
			u64			packets;
		} flow;
		struct nfsk_route_rec	route;
		struct {			/* NFSK_ALERT_RSERIES */
			u32	id;	/* protocol or table, unless other */
			u8	kind;	/* enum nfsk_rs_kind */
			u8	other;	/* the kind's "other" series */
		} rs;
	};
};

enum {
	NFSK_ALERT_SERIES,
	NFSK_ALERT_FLOW,
	NFSK_ALERT_ROUTE,
	NFSK_ALERT_UNNAMED,	/* ROUTE_FLAP summary: value = crossings */
	NFSK_ALERT_RSERIES,	/* ROUTE_CHURN of a route sub-series */
};

/* ---- packet path (hooks.c, parse.c) ------------------------------------ */

/* One CPU's two banks: the hook writes bank[epoch & 1]. */
struct nfsk_cpu {
	struct nfsk_bank	*bank[2];
};

/*
 * What the packet path reads, published with RCU and replaced whole at a
 * window boundary when the geometry or the hash key changes.
 */
struct nfsk_sketch {
	/* read by every packet */
	unsigned int		epoch;		/* READ_ONCE on the hot path */
	struct nfsk_cpu __percpu *cpu;
	struct nfsk_hash_key	key;

	/* window close only */
	u64			key_fp;		/* nfsk_hash_key_fingerprint() */
	struct nfsk_geom	geom;
	struct nfsk_cms		wcms;		/* sum of the last fold */
	void			*wcms_mem;
	void			*fold_scratch;
	u64			mem_bytes;
};

/* The history ring with the buffers the detectors need for its length. */
struct nfsk_hist_buf {
	struct nfsk_history	ring;
	struct nfsk_window	*rec;
	u64			*series;	/* one series, oldest first */
	u64			*scratch;	/* detectors' percentiles */
	u32			len;
	u64			mem_bytes;
};

/* Totals since load or reset, per CPU, summed at read time. */
struct nfsk_pcpu_stats {
	u64_stats_t		packets;
	u64_stats_t		bytes;
	u64_stats_t		truncated;
	struct u64_stats_sync	syncp;
};

struct nfsk_net {
	/* read by every packet, written only at a window boundary */
	struct nfsk_sketch __rcu	*sketch;
	struct nfsk_pcpu_stats __percpu	*stats;

	/*
	 * Cold, on cache lines of their own: taking the mutex or writing the
	 * window state must not bounce the line every packet reads.
	 */
	struct mutex			lock ____cacheline_aligned_in_smp;
	struct net			*net;
	struct nfsk_config		cfg;	/* kept while not monitored */
	struct mutex			monitor_lock;	/* monitor.c */
	bool				monitored;	/* READ_ONCE unlocked */
	u32				monitor_gen;	/* enables so far */
	/* from here to the end: zero while not monitored (monitor.c) */
	struct nfsk_sketch		*pending_sketch; /* next close */
	struct nfsk_hist_buf		*pending_hist;	/* next close */
	struct nfsk_sketch		*last_sketch;	/* its wcms: last window */
	struct nfsk_hist_buf		*hist;
	struct delayed_work		window_work;	/* the boundary */
	struct rcu_work			fold_work;	/* after a grace period */
	struct nfsk_sketch		*closing;	/* flipped, not folded */
	unsigned int			closing_idx;	/* its bank being closed */
	bool				closing_replaced; /* by pending_sketch */
	bool				stopping;	/* no new boundary */
	u64				close_ns;	/* of the flip */
	u64				close_real_ns;	/* the same, CLOCK_REALTIME */
	u64				window_id;	/* open window */
	u64				window_start_ns;
	u64				window_start_real_ns;
	u64				last_window_id;	/* 0: none yet */
	u64				windows_closed;
	u64				alerts;
	/* closed windows' overflow rule (lcms.c), since load or RESET */
	u64				lcms_forced;
	u64				lcms_spilled;
	u64				base_packets;	/* totals at RESET */
	u64				base_bytes;
	u64				base_truncated;
	/* the detectors' verdicts on the last closed window, for alerts */
	struct nfsk_detect_result	detect[NFSK_SERIES_MAX];
	struct nfsk_routes		*routes;
	struct nfsk_events		*events;
	struct nfsk_bgp __rcu		*bgp;		/* bgp.c */
	struct nfsk_bgp_cfg		bgp_cfg;	/* READ_ONCE */
};

extern unsigned int nfsk_net_id;

static inline struct nfsk_net *nfsk_pernet(const struct net *net)
{
	return net_generic(net, nfsk_net_id);
}

bool nfsk_parse(const struct sk_buff *skb, u8 pf, struct nfsk_flow_key *key);

/* ---- BGP sessions (bgp.c) ---------------------------------------------- */

struct nfsk_bgp;
int nfsk_bgp_init(struct nfsk_net *nn);
void nfsk_bgp_exit(struct nfsk_net *nn);
struct nfsk_bgp *nfsk_bgp_prepare(struct nfsk_net *nn,
				  const struct nfsk_config *cfg);
void nfsk_bgp_commit(struct nfsk_net *nn, const struct nfsk_config *cfg,
		     struct nfsk_bgp *fresh);
void nfsk_bgp_discard(struct nfsk_bgp *fresh);
void nfsk_bgp_packet(struct nfsk_net *nn, const struct sk_buff *skb, u8 pf,
		     const struct nfsk_flow_key *key);
void nfsk_bgp_close_window(struct nfsk_net *nn, struct nfsk_window *win);
void nfsk_bgp_stats(struct nfsk_net *nn, u32 *sessions, u64 *full,
		    u64 *evicted);
u64 nfsk_bgp_mem_bytes(struct nfsk_net *nn);
bool nfsk_bgp_next(struct nfsk_net *nn, u32 *pos, struct nfsk_bgp_sess *out);
int nfsk_hooks_register(struct net *net);
void nfsk_hooks_unregister(struct net *net);

/* ---- windows (window.c) ------------------------------------------------ */

struct nfsk_sketch *nfsk_sketch_alloc(const struct nfsk_config *cfg,
				      const struct nfsk_hash_key *key);
void nfsk_sketch_free(struct nfsk_sketch *sk);
void nfsk_sketch_query(const struct nfsk_sketch *sk, u64 hash,
		       struct nfsk_cms_est *est);
struct nfsk_hist_buf *nfsk_hist_buf_alloc(u32 len);
void nfsk_hist_buf_free(struct nfsk_hist_buf *hb);
int nfsk_window_init(struct nfsk_net *nn);
void nfsk_window_stop(struct nfsk_net *nn);
void nfsk_window_free(struct nfsk_net *nn);
void nfsk_window_start(struct nfsk_net *nn);
void nfsk_window_reset(struct nfsk_net *nn);
int nfsk_window_configure(struct nfsk_net *nn, const struct nfsk_config *cfg,
			  bool rebuild, const struct nfsk_hash_key *key,
			  struct netlink_ext_ack *extack);
u64 nfsk_window_mem_bytes(struct nfsk_net *nn);

/* hooks.c: the per-CPU totals it counts */
void nfsk_stats_sum(const struct nfsk_net *nn, u64 *packets, u64 *bytes,
		    u64 *truncated);

/* main.c: the namespace's memory, its parts' summed */
u64 nfsk_net_mem_bytes(struct nfsk_net *nn);

/* ---- monitoring of a namespace (monitor.c) ----------------------------- */

enum nfsk_netns_monitor {
	NFSK_NETNS_MONITOR_ALL,		/* every namespace from its creation */
	NFSK_NETNS_MONITOR_NONE,	/* only when enabled through netlink */
	NFSK_NETNS_MONITOR_ON_DEMAND,	/* also at the first read */
};

int nfsk_monitor_net_init(struct nfsk_net *nn);
void nfsk_monitor_net_pre_exit(struct nfsk_net *nn);
void nfsk_monitor_net_exit(struct nfsk_net *nn);
int nfsk_monitor_set(struct nfsk_net *nn, bool on,
		     struct netlink_ext_ack *extack);
int nfsk_monitor_begin(struct nfsk_net *nn, struct netlink_ext_ack *extack);
void nfsk_monitor_hold(struct nfsk_net *nn);
void nfsk_monitor_end(struct nfsk_net *nn);
int nfsk_netns_monitor_show(char *buf);
int nfsk_netns_monitor_store(const char *buf);

/* ---- interfaces -------------------------------------------------------- */

size_t nfsk_stats_size(void);
int nfsk_stats_put(struct sk_buff *msg, struct nfsk_net *nn);
size_t nfsk_flow_size(void);
int nfsk_flow_put(struct sk_buff *msg, int attr,
		  const struct nfsk_flow_key *key, u64 packets, u64 bytes,
		  const struct nfsk_cms_est *est);
size_t nfsk_window_size(void);
size_t nfsk_window_topk_size(void);
int nfsk_window_put(struct sk_buff *msg, const struct nfsk_window *w, bool top);
size_t nfsk_route_size(void);
int nfsk_route_put(struct sk_buff *msg, int attr,
		   const struct nfsk_route_rec *rec);
size_t nfsk_route_summary_size(void);
int nfsk_route_summary_put(struct sk_buff *msg, u64 time_ns, u64 coalesced);
size_t nfsk_bgp_size(void);
int nfsk_bgp_put(struct sk_buff *msg, const struct nfsk_bgp_sess *s, u64 now);
size_t nfsk_alert_size(void);
int nfsk_alert_put(struct sk_buff *msg, const struct nfsk_alert_rec *a);
void nfsk_msg_check_size(const struct sk_buff *msg, size_t size, u8 cmd);

bool nfsk_genl_has_listeners(struct net *net);
void *nfsk_genl_put_ntf(struct sk_buff *msg, u8 cmd);
int nfsk_genl_multicast(struct net *net, struct sk_buff *msg, void *hdr);
int nfsk_genl_init(void);
void nfsk_genl_exit(void);

int nfsk_sysfs_init(void);
void nfsk_sysfs_exit(void);

#endif /* _NFSKETCH_KMOD_H */
