#include "path_search.h"

#include <string.h>

const char* const kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool path_search(const char* name, const char* search, bool (*try_one)(const char* full, void* ctx), void* ctx) {
  size_t nlen = strlen(name);
  for (const char* p = search;;) {
    const char* end = strchr(p, ':');
    size_t dlen = end ? (size_t)(end - p) : strlen(p);
    char full[4096];
    if (dlen + 1 + nlen + 1 <= sizeof full) {
      size_t o = 0;
      if (dlen == 0) full[o++] = '.';
      else { memcpy(full, p, dlen); o = dlen; }
      full[o++] = '/';
      memcpy(full + o, name, nlen + 1);
      if (try_one(full, ctx)) return true;
    }
    if (!end) return false;
    p = end + 1;
  }
}
