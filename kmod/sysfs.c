// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nfsketch/: module-wide facts (version, mem_bytes), which
 * namespaces are monitored (netns_monitor, monitor.c) and one file per
 * tunable holding the default new namespaces start from. A write is
 * parsed with kstrtou64 and checked by the same rules as CONFIG_SET; a bad
 * value returns -EINVAL and changes nothing. Existing namespaces keep their
 * own configuration (change it with `nfsketch config set`).
 */
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "nfsketch.h"

static struct kobject *nfsk_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", NFSKETCH_VERSION);
}

static ssize_t mem_bytes_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&nfsk_mem_bytes));
}

/* all, none or on-demand: see monitor.c */
static ssize_t netns_monitor_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return nfsk_netns_monitor_show(buf);
}

static ssize_t netns_monitor_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	int err = nfsk_netns_monitor_store(buf);

	return err ? err : count;
}

static struct kobj_attribute nfsk_attr_version = __ATTR_RO(version);
static struct kobj_attribute nfsk_attr_mem_bytes = __ATTR_RO(mem_bytes);
static struct kobj_attribute nfsk_attr_netns_monitor = __ATTR_RW(netns_monitor);

static const struct nfsk_tunable *nfsk_param_of(const struct kobj_attribute *attr)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_PARAMS; i++)
		if (!strcmp(attr->attr.name, nfsk_tunables[i].name))
			return &nfsk_tunables[i];
	return NULL;
}

static ssize_t nfsk_param_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	const struct nfsk_tunable *p = nfsk_param_of(attr);
	u32 val;

	if (!p)
		return -ENOENT;
	nfsk_config_default_show(p, &val);
	return sysfs_emit(buf, "%u\n", val);
}

static ssize_t nfsk_param_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	const struct nfsk_tunable *p = nfsk_param_of(attr);
	u64 val;
	int err;

	if (!p)
		return -ENOENT;
	/* kstrtou64 rejects signs, junk and overflow with -EINVAL/-ERANGE */
	err = kstrtou64(buf, 0, &val);
	if (err)
		return -EINVAL;
	err = nfsk_config_default_store(p, val);
	return err ? err : count;
}

static struct kobj_attribute nfsk_param_attrs[NFSK_NR_PARAMS];
/* version, mem_bytes, netns_monitor, the tunables, NULL */
static struct attribute *nfsk_attrs[NFSK_NR_PARAMS + 4];

static const struct attribute_group nfsk_attr_group = {
	.attrs = nfsk_attrs,
};

int nfsk_sysfs_init(void)
{
	unsigned int i;
	int err;

	nfsk_attrs[0] = &nfsk_attr_version.attr;
	nfsk_attrs[1] = &nfsk_attr_mem_bytes.attr;
	nfsk_attrs[2] = &nfsk_attr_netns_monitor.attr;
	for (i = 0; i < NFSK_NR_PARAMS; i++) {
		struct kobj_attribute *ka = &nfsk_param_attrs[i];

		sysfs_attr_init(&ka->attr);
		ka->attr.name = nfsk_tunables[i].name;
		ka->attr.mode = 0644;
		ka->show = nfsk_param_show;
		ka->store = nfsk_param_store;
		nfsk_attrs[i + 3] = &ka->attr;
	}

	nfsk_kobj = kobject_create_and_add("nfsketch", kernel_kobj);
	if (!nfsk_kobj)
		return -ENOMEM;

	err = sysfs_create_group(nfsk_kobj, &nfsk_attr_group);
	if (err)
		goto err_put_kobj;
	return 0;

err_put_kobj:
	kobject_put(nfsk_kobj);
	return err;
}

void nfsk_sysfs_exit(void)
{
	sysfs_remove_group(nfsk_kobj, &nfsk_attr_group);
	kobject_put(nfsk_kobj);
}
