// SPDX-License-Identifier: GPL-2.0
/*
 * Windows: per-CPU banks, epochs, and the work that closes a window.
 *
 * Every window_ms a delayed work closes the open window: it flips the
 * sketch's epoch so that the hooks move to the other bank of their CPU;
 * once a grace period has passed (queue_rcu_work(): hooks run inside
 * netfilter's RCU read section and read the epoch once) a second work folds
 * every CPU's old bank into a record of the history ring
 * (kmod/core/window.c), then zeroes those banks for their next turn.
 *
 * A change of geometry or hash key needs new banks: CONFIG_SET allocates
 * them at once (so -ENOMEM reaches the caller) as a pending sketch, and the
 * next close publishes it in place of the epoch flip. The old sketch's banks
 * are freed right after its last fold; its window CMS, which answers queries
 * about the last closed window, lives on until the next close. A new
 * history length is applied the same way, keeping the newest records.
 */
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <nfsketch/query.h>
#include "nfsketch.h"

static u32 nfsk_nbanks(void)
{
	return num_possible_cpus();
}

static void nfsk_geom_from_config(struct nfsk_geom *g,
				  const struct nfsk_config *cfg)
{
	nfsk_geom_default(g);
	g->cms_depth = cfg->cms_depth;
	g->cms_width = cfg->cms_width;
	g->sah_entries = cfg->sah_entries;
	g->topk = cfg->topk;
}

static size_t nfsk_bank_bytes(const struct nfsk_geom *g)
{
	return ALIGN(sizeof(struct nfsk_bank), 64) + nfsk_bank_size(g);
}

static void nfsk_sketch_free_banks(struct nfsk_sketch *sk)
{
	u64 banks = 2 * nfsk_nbanks() * nfsk_bank_bytes(&sk->geom);
	int cpu;

	if (!sk->cpu)
		return;
	for_each_possible_cpu(cpu) {
		struct nfsk_cpu *c = per_cpu_ptr(sk->cpu, cpu);

		kvfree(c->bank[0]);
		kvfree(c->bank[1]);
	}
	free_percpu(sk->cpu);
	sk->cpu = NULL;
	/* counted in mem_bytes only once all of them were allocated */
	if (sk->mem_bytes) {
		sk->mem_bytes -= banks;
		atomic64_sub(banks, &nfsk_mem_bytes);
	}
}

void nfsk_sketch_free(struct nfsk_sketch *sk)
{
	if (!sk)
		return;
	nfsk_sketch_free_banks(sk);
	kvfree(sk->wcms_mem);
	kvfree(sk->fold_scratch);
	atomic64_sub(sk->mem_bytes, &nfsk_mem_bytes);
	kfree(sk);
}

/*
 * Point query of the last window folded with @sk: its held flows (in the
 * fold's scratch) exactly, plus the light part from the window CMS. Under
 * nn->lock, which the fold holds too.
 */
void nfsk_sketch_query(const struct nfsk_sketch *sk, u64 hash,
		       struct nfsk_cms_est *est)
{
	const struct nfsk_fold_slot *held;
	u32 nslots;

	held = nfsk_fold_held(&sk->geom, nfsk_nbanks(), sk->fold_scratch,
			      &nslots);
	nfsk_window_query(&sk->wcms, held, nslots, hash, est);
}

/* A bank and its counters in one allocation on the CPU's node. */
static struct nfsk_bank *nfsk_bank_alloc(const struct nfsk_geom *g, int cpu)
{
	size_t head = ALIGN(sizeof(struct nfsk_bank), 64);
	struct nfsk_bank *b;

	b = kvzalloc_node(nfsk_bank_bytes(g), GFP_KERNEL_ACCOUNT,
			  cpu_to_node(cpu));
	if (b)
		nfsk_bank_init(b, g, get_random_u64(), (u8 *)b + head);
	return b;
}

struct nfsk_sketch *nfsk_sketch_alloc(const struct nfsk_config *cfg,
				      const struct nfsk_hash_key *key)
{
	size_t bank_bytes, cms_bytes, scratch_bytes;
	struct nfsk_sketch *sk;
	int cpu;

	sk = kzalloc(sizeof(*sk), GFP_KERNEL_ACCOUNT);
	if (!sk)
		return NULL;
	nfsk_geom_from_config(&sk->geom, cfg);
	if (key) {
		sk->key = *key;
	} else {
		sk->key.k0 = get_random_u64();
		sk->key.k1 = get_random_u64();
	}
	nfsk_hash_key_expand(&sk->key);
	sk->key_fp = nfsk_hash_key_fingerprint(&sk->key);

	sk->cpu = alloc_percpu_gfp(struct nfsk_cpu, GFP_KERNEL_ACCOUNT);
	if (!sk->cpu)
		goto err_free;
	for_each_possible_cpu(cpu) {
		struct nfsk_cpu *c = per_cpu_ptr(sk->cpu, cpu);

		c->bank[0] = nfsk_bank_alloc(&sk->geom, cpu);
		c->bank[1] = nfsk_bank_alloc(&sk->geom, cpu);
		if (!c->bank[0] || !c->bank[1])
			goto err_free;
	}

	cms_bytes = nfsk_cms_size(sk->geom.cms_depth, sk->geom.cms_width);
	sk->wcms_mem = kvzalloc(cms_bytes, GFP_KERNEL_ACCOUNT);
	if (!sk->wcms_mem)
		goto err_free;
	nfsk_cms_init(&sk->wcms, sk->geom.cms_depth, sk->geom.cms_width,
		      sk->geom.cms_conservative, sk->wcms_mem);

	scratch_bytes = nfsk_fold_scratch_size(&sk->geom, nfsk_nbanks());
	sk->fold_scratch = kvzalloc(scratch_bytes, GFP_KERNEL_ACCOUNT);
	if (!sk->fold_scratch)
		goto err_free;

	bank_bytes = nfsk_bank_bytes(&sk->geom);
	sk->mem_bytes = sizeof(*sk) + 2 * nfsk_nbanks() * bank_bytes +
			cms_bytes + scratch_bytes;
	atomic64_add(sk->mem_bytes, &nfsk_mem_bytes);
	return sk;

err_free:
	nfsk_sketch_free(sk);
	return NULL;
}

void nfsk_hist_buf_free(struct nfsk_hist_buf *hb)
{
	if (!hb)
		return;
	kvfree(hb->rec);
	kvfree(hb->series);
	kvfree(hb->scratch);
	atomic64_sub(hb->mem_bytes, &nfsk_mem_bytes);
	kfree(hb);
}

struct nfsk_hist_buf *nfsk_hist_buf_alloc(u32 len)
{
	struct nfsk_hist_buf *hb;

	hb = kzalloc(sizeof(*hb), GFP_KERNEL_ACCOUNT);
	if (!hb)
		return NULL;
	hb->rec = kvcalloc(len, sizeof(*hb->rec), GFP_KERNEL_ACCOUNT);
	hb->series = kvcalloc(len, sizeof(u64), GFP_KERNEL_ACCOUNT);
	hb->scratch = kvcalloc(len, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!hb->rec || !hb->series || !hb->scratch) {
		nfsk_hist_buf_free(hb);
		return NULL;
	}
	hb->len = len;
	nfsk_history_init(&hb->ring, hb->rec, len);
	hb->mem_bytes = sizeof(*hb) + (u64)len * (sizeof(*hb->rec) + 2 * sizeof(u64));
	atomic64_add(hb->mem_bytes, &nfsk_mem_bytes);
	return hb;
}

/* Copy the newest records of @from into the empty ring @to, oldest first. */
static void nfsk_hist_buf_move(struct nfsk_hist_buf *to,
			       const struct nfsk_hist_buf *from)
{
	u32 n = min(nfsk_history_count(&from->ring), to->len);

	while (n--)
		nfsk_history_push(&to->ring, nfsk_history_get(&from->ring, n));
}

/*
 * The kernel's part of the core's close sequence (kmod/core/close.c), all
 * under nn->lock: the closing bank of CPU @i, the route counts, the alerts.
 */
static struct nfsk_bank *nfsk_close_bank(void *arg, u32 i)
{
	struct nfsk_net *nn = arg;

	if (!cpu_possible(i))
		return NULL;
	cond_resched();
	return per_cpu_ptr(nn->closing->cpu, i)->bank[nn->closing_idx];
}

static void nfsk_close_annotate(void *arg, struct nfsk_window *win)
{
	struct nfsk_net *nn = arg;

	win->start_real_ns = nn->window_start_real_ns;
	nfsk_routes_close_window(nn->routes, win);
	nfsk_routes_sweep(nn->routes);
	nfsk_bgp_close_window(nn, win);
}

static void nfsk_close_closed(void *arg, const struct nfsk_window *win)
{
	struct nfsk_net *nn = arg;

	nn->alerts += hweight32(win->flags);
	nfsk_events_window_closed(nn, win);
}

static const struct nfsk_close_ops nfsk_close_ops = {
	.bank		= nfsk_close_bank,
	.annotate	= nfsk_close_annotate,
	.closed		= nfsk_close_closed,
};

static void nfsk_flags_cfg_of(struct nfsk_flags_cfg *fc,
			      const struct nfsk_config *cfg)
{
	u32 vals[NFSK_NR_TUNABLES];
	unsigned int i;

	for (i = 0; i < NFSK_NR_TUNABLES; i++)
		vals[i] = nfsk_param_get(cfg, &nfsk_tunables[i]);
	nfsk_close_flags_cfg(fc, vals);
}

/*
 * Jiffies from now to the next boundary of a window that starts at
 * @from_real_ns (CLOCK_REALTIME). Without window_align: window_ms. With it:
 * the first multiple of window_ms since the epoch that lies at least half a
 * window after @from_real_ns, so that routers with the same window_ms close
 * their windows together (NTP keeps their clocks within milliseconds), and
 * a boundary that ran a little late or early does not leave a window of a
 * few milliseconds. The first window after load or a change is the odd one.
 */
static unsigned long nfsk_window_delay(const struct nfsk_net *nn,
				       u64 from_real_ns)
{
	u64 w = (u64)nn->cfg.window_ms * NSEC_PER_MSEC;
	u64 now = ktime_get_real_ns(), rem, next;

	if (!nn->cfg.window_align)
		return msecs_to_jiffies(nn->cfg.window_ms);
	div64_u64_rem(from_real_ns, w, &rem);
	next = from_real_ns - rem + w;
	if (next - from_real_ns < w / 2)
		next += w;
	if (next <= now)
		return 0;
	/*
	 * CLOCK_REALTIME stepped back since @from_real_ns (NTP step, date -s):
	 * the boundary would lie up to the step away. Never more than a window
	 * and a half from now; a step forward only shortens one window.
	 */
	if (next - now > w + w / 2)
		return msecs_to_jiffies(nn->cfg.window_ms);
	/*
	 * Rounded up, and one more: the work runs at the start of a jiffy,
	 * and this one may be nearly over. Never before the boundary.
	 */
	return nsecs_to_jiffies(next - now + TICK_NSEC - 1) + 1;
}

/*
 * The boundary, under nn->lock: the hooks move to the other bank of their
 * CPU (or to the pending sketch's banks). The old bank is folded by
 * nfsk_window_fold_work() once a grace period has passed, without holding
 * nn->lock meanwhile.
 */
static void nfsk_window_flip(struct nfsk_net *nn)
{
	struct nfsk_sketch *sk, *next;

	lockdep_assert_held(&nn->lock);
	sk = rcu_dereference_protected(nn->sketch, lockdep_is_held(&nn->lock));
	next = nn->pending_sketch;
	nn->pending_sketch = NULL;
	nn->closing = sk;
	nn->closing_idx = sk->epoch & 1;
	nn->closing_replaced = !!next;
	nn->close_ns = ktime_get_ns();
	nn->close_real_ns = ktime_get_real_ns();
	if (next)
		rcu_assign_pointer(nn->sketch, next);
	else
		WRITE_ONCE(sk->epoch, sk->epoch + 1);
}

/* After the grace period: no hook can still write the closing bank. */
static void nfsk_window_fold_closing(struct nfsk_net *nn)
{
	struct nfsk_sketch *sk = nn->closing;
	const struct nfsk_window *win;
	struct nfsk_flags_cfg fc;
	struct nfsk_close close;
	u64 now = nn->close_ns;

	lockdep_assert_held(&nn->lock);
	if (nn->pending_hist) {
		nfsk_hist_buf_move(nn->pending_hist, nn->hist);
		nfsk_hist_buf_free(nn->hist);
		nn->hist = nn->pending_hist;
		nn->pending_hist = NULL;
	}

	/* the number of top flows needs no new banks: apply it at once */
	sk->geom.topk = nn->cfg.topk;
	nfsk_flags_cfg_of(&fc, &nn->cfg);
	close.hist = &nn->hist->ring;
	close.wcms = &sk->wcms;
	close.g = &sk->geom;
	close.fold_scratch = sk->fold_scratch;
	close.nbanks = nr_cpu_ids;
	close.max_banks = nfsk_nbanks();
	close.fc = &fc;
	close.series = nn->hist->series;
	close.dscratch = nn->hist->scratch;
	close.buf_len = nn->hist->len;
	close.res = nn->detect;
	close.ops = &nfsk_close_ops;
	close.arg = nn;
	win = nfsk_window_close(&close, nn->window_id, nn->window_start_ns,
				now - nn->window_start_ns);
	nn->lcms_forced += win->sah.forced;
	nn->lcms_spilled += win->lcms_spill;

	/* The window CMS of the record just closed answers queries. */
	if (nn->last_sketch != sk) {
		nfsk_sketch_free(nn->last_sketch);
		nn->last_sketch = sk;
	}
	if (nn->closing_replaced)
		nfsk_sketch_free_banks(sk);
	nn->closing = NULL;
	nn->closing_replaced = false;

	nn->last_window_id = nn->window_id;
	nn->windows_closed++;
	nn->window_id++;
	nn->window_start_ns = now;
	nn->window_start_real_ns = nn->close_real_ns;
}

/*
 * A window closes in two works: this one flips at the boundary and hands
 * the fold to nfsk_window_fold_work() through queue_rcu_work(), whose
 * call_rcu() shares grace periods with every other namespace's closes
 * instead of each close sleeping in synchronize_net() with nn->lock held
 * (which held up every netlink request of the namespace for a grace
 * period). The fold queues the next boundary, so at most one close is in
 * flight per namespace.
 */
static void nfsk_window_work(struct work_struct *work)
{
	struct nfsk_net *nn = container_of(to_delayed_work(work),
					   struct nfsk_net, window_work);
	bool flipped = false;

	mutex_lock(&nn->lock);
	/* a fold in flight queues the next boundary itself */
	if (!nn->closing && !nn->stopping) {
		nfsk_window_flip(nn);
		flipped = true;
	}
	mutex_unlock(&nn->lock);
	if (flipped)
		queue_rcu_work(system_power_efficient_wq, &nn->fold_work);
}

static void nfsk_window_fold_work(struct work_struct *work)
{
	struct nfsk_net *nn = container_of(to_rcu_work(work), struct nfsk_net,
					   fold_work);
	mutex_lock(&nn->lock);
	nfsk_window_fold_closing(nn);
	/*
	 * Queued under nn->lock: nfsk_window_stop() sets stopping under it
	 * and then cancels window_work, so a fold that ran before that point
	 * has queued its work already and one that runs after queues nothing.
	 */
	if (!nn->stopping)
		queue_delayed_work(system_power_efficient_wq, &nn->window_work,
				   nfsk_window_delay(nn, nn->window_start_real_ns));
	mutex_unlock(&nn->lock);
}

int nfsk_window_init(struct nfsk_net *nn)
{
	struct nfsk_sketch *sk;

	INIT_DELAYED_WORK(&nn->window_work, nfsk_window_work);
	INIT_RCU_WORK(&nn->fold_work, nfsk_window_fold_work);
	nn->hist = nfsk_hist_buf_alloc(nn->cfg.history);
	if (!nn->hist)
		return -ENOMEM;
	sk = nfsk_sketch_alloc(&nn->cfg, NULL);
	if (!sk) {
		nfsk_hist_buf_free(nn->hist);
		nn->hist = NULL;
		return -ENOMEM;
	}
	RCU_INIT_POINTER(nn->sketch, sk);
	nn->window_id = 1;
	return 0;
}

void nfsk_window_start(struct nfsk_net *nn)
{
	nn->window_start_ns = ktime_get_ns();
	nn->window_start_real_ns = ktime_get_real_ns();
	queue_delayed_work(system_power_efficient_wq, &nn->window_work,
			   nfsk_window_delay(nn, nn->window_start_real_ns));
}

/* No new window closes after this returns, and none is in flight. */
void nfsk_window_stop(struct nfsk_net *nn)
{
	mutex_lock(&nn->lock);
	nn->stopping = true;
	mutex_unlock(&nn->lock);
	cancel_delayed_work_sync(&nn->window_work);
	/*
	 * A fold queued before: it sees stopping and queues nothing (it
	 * queues window_work only under nn->lock, after checking stopping).
	 */
	flush_rcu_work(&nn->fold_work);
}

/*
 * Free the sketches and the history: the window work is stopped and no hook
 * can run any more (unregistered, and a grace period has passed).
 */
void nfsk_window_free(struct nfsk_net *nn)
{
	struct nfsk_sketch *sk;

	sk = rcu_dereference_protected(nn->sketch, true);
	RCU_INIT_POINTER(nn->sketch, NULL);
	if (nn->last_sketch != sk)
		nfsk_sketch_free(nn->last_sketch);
	nfsk_sketch_free(sk);
	nfsk_sketch_free(nn->pending_sketch);
	nfsk_hist_buf_free(nn->pending_hist);
	nfsk_hist_buf_free(nn->hist);
	nn->last_sketch = NULL;
	nn->pending_sketch = NULL;
	nn->pending_hist = NULL;
	nn->hist = NULL;
}

/*
 * CONFIG_SET's new configuration @cfg (checked, nfsk_config_apply()), with
 * @rebuild when its geometry changed and @key when a new hash key was
 * given. New banks and a new history ring are allocated here, so that
 * -ENOMEM reaches the caller, and published by the next close; everything
 * else applies at once. All or nothing: on error nothing changed.
 */
int nfsk_window_configure(struct nfsk_net *nn, const struct nfsk_config *cfg,
			  bool rebuild, const struct nfsk_hash_key *key,
			  struct netlink_ext_ack *extack)
{
	struct nfsk_sketch *cur, *sk = NULL;
	struct nfsk_hist_buf *hb = NULL;
	struct nfsk_bgp *bgp;
	struct nfsk_hash_key k;
	u32 old_ms = nn->cfg.window_ms;
	int err;

	lockdep_assert_held(&nn->lock);
	/* The key of the sketch the next close publishes, unless given. */
	cur = nn->pending_sketch ?:
	      rcu_dereference_protected(nn->sketch, lockdep_is_held(&nn->lock));
	k = key ? *key : cur->key;
	if (rebuild || key || nn->pending_sketch) {
		sk = nfsk_sketch_alloc(cfg, &k);
		if (!sk) {
			NL_SET_ERR_MSG_MOD(extack, "no memory for the new sketch");
			return -ENOMEM;
		}
	}
	if (cfg->history != nn->hist->len ||
	    (nn->pending_hist && cfg->history != nn->pending_hist->len)) {
		hb = nfsk_hist_buf_alloc(cfg->history);
		if (!hb) {
			nfsk_sketch_free(sk);
			NL_SET_ERR_MSG_MOD(extack, "no memory for the new history");
			return -ENOMEM;
		}
	}
	bgp = nfsk_bgp_prepare(nn, cfg);
	if (IS_ERR(bgp)) {
		nfsk_sketch_free(sk);
		nfsk_hist_buf_free(hb);
		NL_SET_ERR_MSG_MOD(extack, "no memory for the BGP session table");
		return PTR_ERR(bgp);
	}
	err = nfsk_routes_configure(nn->routes, cfg);
	if (err) {
		nfsk_sketch_free(sk);
		nfsk_hist_buf_free(hb);
		nfsk_bgp_discard(bgp);
		NL_SET_ERR_MSG_MOD(extack, "invalid flap damping thresholds");
		return err;
	}
	nfsk_events_configure(nn->events, cfg);
	nfsk_bgp_commit(nn, cfg, bgp);

	if (sk) {
		nfsk_sketch_free(nn->pending_sketch);
		nn->pending_sketch = sk;
	}
	if (hb) {
		nfsk_hist_buf_free(nn->pending_hist);
		nn->pending_hist = hb->len == nn->hist->len ? NULL : hb;
		if (!nn->pending_hist)
			nfsk_hist_buf_free(hb);
	}
	nn->cfg = *cfg;
	/*
	 * A longer window starts at the next boundary; a shorter one must not
	 * wait for the end of a long open window: close that one earlier.
	 */
	if (cfg->window_ms < old_ms && !nn->closing && !nn->stopping)
		mod_delayed_work(system_power_efficient_wq, &nn->window_work,
				 nfsk_window_delay(nn, ktime_get_real_ns()));
	return 0;
}

/*
 * Forget the history and the last window (RESET). The open window goes on:
 * its banks are being written and are folded at the next close as usual.
 */
void nfsk_window_reset(struct nfsk_net *nn)
{
	lockdep_assert_held(&nn->lock);
	nfsk_history_reset(&nn->hist->ring);
	nn->last_window_id = 0;
}

/* Memory of the namespace's sketches and history rings. */
u64 nfsk_window_mem_bytes(struct nfsk_net *nn)
{
	const struct nfsk_sketch *sk;
	u64 mem;

	lockdep_assert_held(&nn->lock);
	sk = rcu_dereference_protected(nn->sketch, lockdep_is_held(&nn->lock));
	mem = sk->mem_bytes + nn->hist->mem_bytes;
	if (nn->last_sketch && nn->last_sketch != sk)
		mem += nn->last_sketch->mem_bytes;
	if (nn->pending_sketch)
		mem += nn->pending_sketch->mem_bytes;
	if (nn->pending_hist)
		mem += nn->pending_hist->mem_bytes;
	return mem;
}
