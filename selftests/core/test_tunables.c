// SPDX-License-Identifier: GPL-2.0
/*
 * The table of tunables: every default inside its own range and rules, the
 * cross rules on the defaults, each bound accepted and its neighbour
 * refused, and the names the module and the tools look up.
 */
#include "kselftest_harness.h"
#include <nfsketch/tunables.h>

TEST(defaults_valid)
{
	u32 vals[NFSK_NR_TUNABLES];
	unsigned int i;

	nfsk_tunables_defaults(vals);
	for (i = 0; i < NFSK_NR_TUNABLES; i++)
		EXPECT_EQ((int)NFSK_TUNABLE_OK, (int)nfsk_tunable_check(&nfsk_tunables[i], vals[i]));
	EXPECT_EQ((int)NFSK_CROSS_OK, (int)nfsk_tunables_check_cross(vals));
}

TEST(bounds)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_TUNABLES; i++) {
		const struct nfsk_tunable *t = &nfsk_tunables[i];

		ASSERT_LE(t->min, t->max);
		EXPECT_EQ((int)NFSK_TUNABLE_OK, (int)nfsk_tunable_check(t, t->min));
		EXPECT_EQ((int)NFSK_TUNABLE_OK, (int)nfsk_tunable_check(t, t->max));
		if (t->min > 0)
			EXPECT_NE((int)NFSK_TUNABLE_OK, (int)nfsk_tunable_check(t, t->min - 1ULL));
		EXPECT_EQ((int)NFSK_TUNABLE_ERANGE, (int)nfsk_tunable_check(t, t->max + 1ULL));
		EXPECT_EQ((int)NFSK_TUNABLE_ERANGE, (int)nfsk_tunable_check(t, 1ULL << 40));
		if (t->pow2 && t->min + 1 < t->max)
			EXPECT_EQ((int)NFSK_TUNABLE_EPOW2, (int)nfsk_tunable_check(t, t->min + 1ULL));
	}
}

TEST(cross_rules)
{
	u32 vals[NFSK_NR_TUNABLES];

	nfsk_tunables_defaults(vals);
	vals[NFSK_T_flap_reuse] = vals[NFSK_T_flap_suppress];
	EXPECT_EQ((int)NFSK_CROSS_FLAP_REUSE, (int)nfsk_tunables_check_cross(vals));
	EXPECT_NE(NULL, nfsk_tunables_cross_msg(NFSK_CROSS_FLAP_REUSE));
	nfsk_tunables_defaults(vals);
	vals[NFSK_T_min_history] = vals[NFSK_T_history] + 1;
	EXPECT_EQ((int)NFSK_CROSS_MIN_HISTORY, (int)nfsk_tunables_check_cross(vals));
	vals[NFSK_T_min_history] = vals[NFSK_T_history];
	EXPECT_EQ((int)NFSK_CROSS_OK, (int)nfsk_tunables_check_cross(vals));
	/* drift_w: 0 is off; below 8 the newer half has too few windows */
	vals[NFSK_T_drift_w] = 7;
	EXPECT_EQ((int)NFSK_CROSS_DRIFT_W, (int)nfsk_tunables_check_cross(vals));
	EXPECT_NE(NULL, nfsk_tunables_cross_msg(NFSK_CROSS_DRIFT_W));
	vals[NFSK_T_drift_w] = 0;
	EXPECT_EQ((int)NFSK_CROSS_OK, (int)nfsk_tunables_check_cross(vals));
	vals[NFSK_T_drift_w] = 8;
	EXPECT_EQ((int)NFSK_CROSS_OK, (int)nfsk_tunables_check_cross(vals));
}

TEST(lookup)
{
	const struct nfsk_tunable *t = nfsk_tunable_find("cms_width");

	ASSERT_NE(NULL, t);
	EXPECT_EQ(NFSKETCH_A_CONFIG_CMS_WIDTH, t->attr);
	EXPECT_TRUE(t->pow2);
	EXPECT_TRUE(t->rebuild);
	EXPECT_EQ(NULL, nfsk_tunable_find("cms-width"));
	EXPECT_EQ(NULL, nfsk_tunable_find(""));
	EXPECT_EQ(&nfsk_tunables[NFSK_T_window_ms], nfsk_tunable_find("window_ms"));
}

TEST_HARNESS_MAIN
