// Safe resolution of paths inside a root directory (DESIGN-NOTES §3): openat2 with
// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, missing components made one by one with mkdirat
// relative to the already-resolved parent fd. No symlink is ever followed out of the root.
#pragma once
#include <sys/types.h>

enum ResolveCreate {
  RESOLVE_NOCREATE = 0,  // missing -> -ENOENT
  RESOLVE_MKDIR = 1,     // missing components made as directories
  RESOLVE_MKFILE = 2,    // like MKDIR, but the last component is made as an empty file
};

struct ResolveError {
  const char* sys;  // failing syscall name
  int err;          // errno
};

// Opens the root directory (O_PATH | O_DIRECTORY). Returns fd or -errno.
int open_root(const char* root);

// Resolves `path` (relative to rootfd; a leading "/" is allowed and means the root) and
// returns an O_PATH | O_CLOEXEC fd, or -1 with *e filled. `mode` applies to the last
// component when it is created (intermediate directories are 0755).
int resolve_in_root(int rootfd, const char* path, ResolveCreate create, mode_t mode,
                    ResolveError* e);

// Resolves the parent of `path` inside the root (creating missing directories when
// mkdir_parents) and copies the last component into name (size namelen). Returns an O_PATH
// fd of the parent or -1 with *e filled. The last component must not be "", "." or "..".
int resolve_parent_in_root(int rootfd, const char* path, bool mkdir_parents, char* name,
                           size_t namelen, ResolveError* e);
