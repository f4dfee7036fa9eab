// SPDX-License-Identifier: GPL-2.0
/*
 * pwrite: write stdin to a file with exact control over the write(2) calls,
 * for the debugfs fuzz scenario (tools/vm/scenarios/debugfs_fuzz.sh), which
 * busybox's dd cannot give: the file offset of the first write, and
 * partial writes (the input cut into chunks, one write() each, at
 * consecutive offsets).
 *
 *   pwrite FILE [OFFSET [CHUNK]] < data
 *
 * The file is opened O_WRONLY (no O_TRUNC, no O_APPEND); for an OFFSET
 * other than 0 it is lseek()ed there first (a file that cannot seek says
 * ESPIPE: that is the kernel refusing the write at an offset). Prints one
 * line per call: "ok N" (bytes the kernel took) or "err NAME" (the errno's
 * name, e.g. EINVAL) and stops at the first error. Exit status: 0 if every
 * write took its whole chunk, 1 on a refused or short write, 2 on misuse.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INPUT	65536

int main(int argc, char **argv)
{
	static char buf[MAX_INPUT];
	size_t len = 0, chunk, done = 0;
	long long off = 0;
	ssize_t n;
	int fd;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: pwrite FILE [OFFSET [CHUNK]] < data\n");
		return 2;
	}
	if (argc >= 3)
		off = strtoll(argv[2], NULL, 0);
	while (len < sizeof(buf) &&
	       (n = read(0, buf + len, sizeof(buf) - len)) > 0)
		len += n;
	chunk = argc == 4 ? strtoul(argv[3], NULL, 0) : len;
	if (!chunk)
		chunk = len ? len : 1;
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("err %s\n", strerrorname_np(errno));
		return 1;
	}
	if (off && lseek(fd, off, SEEK_SET) < 0) {
		printf("err %s\n", strerrorname_np(errno));
		return 1;
	}
	do {
		size_t c = len - done < chunk ? len - done : chunk;

		n = write(fd, buf + done, c);
		if (n < 0) {
			printf("err %s\n", strerrorname_np(errno));
			return 1;
		}
		printf("ok %zd\n", n);
		if ((size_t)n != c)
			return 1;
		done += n;
	} while (done < len);
	close(fd);
	return 0;
}
