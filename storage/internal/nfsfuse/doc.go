// Package nfsfuse is a FUSE filesystem that mirrors a backing directory and behaves like an NFS
// client mount of it, for testing code meant for shared filesystems on one machine. Mount the
// same backing directory several times and each mount acts as one client host:
//
//   - Attribute and name caches: the kernel keeps attributes and name lookups for
//     Options.AttrTimeout and Options.EntryTimeout, so a change made through another mount (or
//     on the backing directory) is seen late, as with NFS's actimeo.
//   - Directory-listing cache: a listing is served from this mount's cache for
//     Options.DirCacheTimeout after it was read, so new and removed entries appear in
//     readdir late, while a lookup by name already finds a new file.
//   - Close-to-open consistency: a file's data is never cached across opens (the kernel drops
//     its page cache at each open), so a reader that opens after a writer closed sees the data.
//   - A retried rename: with probability Options.RenameENOENT a rename that succeeded reports
//     ENOENT, as an NFS client does when its first RENAME call succeeded but the reply was lost
//     and the retransmission found the source gone.
//   - Stale handles: an operation on a file or directory whose backing object vanished or was
//     replaced (removed or renamed through another mount) fails with ESTALE, and so do reads
//     and writes through an open handle whose file was deleted underneath. This is harsher than
//     NFS for a file renamed elsewhere (NFS file handles survive renames); code that treats
//     ESTALE as "gone" behaves the same.
//   - No shared locks: file locks are not forwarded to the filesystem, so the kernel keeps one
//     lock table per mount. flock(2) excludes processes that go through the same mount and
//     nothing else, as on NFS mounts with local locking.
//
// Mounting needs root (or CAP_SYS_ADMIN) and /dev/fuse; Available says whether both are there.
package nfsfuse
