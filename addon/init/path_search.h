// The PATH lookup EXEC and FIND_EXEC share (execvpe semantics).
#pragma once

// The search list when the process's environment has no PATH.
extern const char* const kDefaultPath;

// Joins `name` to each element of `search` in order (an empty element is the current
// directory) and calls try_one with the result until it returns true; returns whether one did.
// Candidates longer than PATH_MAX are skipped.
bool path_search(const char* name, const char* search, bool (*try_one)(const char* full, void* ctx), void* ctx);
