// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nfsketch/: module-wide facts and the defaults new namespaces
 * start from.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "nfsketch.h"

static struct kobject *nfsk_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", NFSKETCH_VERSION);
}

static struct kobj_attribute nfsk_attr_version = __ATTR_RO(version);

static struct attribute *nfsk_attrs[] = {
	&nfsk_attr_version.attr,
	NULL,
};

static const struct attribute_group nfsk_attr_group = {
	.attrs = nfsk_attrs,
};

int nfsk_sysfs_init(void)
{
	int err;

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
