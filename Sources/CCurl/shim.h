#ifndef DYNAMO_CCURL_SHIM_H
#define DYNAMO_CCURL_SHIM_H
#include <curl/curl.h>

/* curl_easy_setopt/getinfo/share_setopt are variadic, which Swift cannot call.
   These typed wrappers are the only way Swift code reaches them. */
static inline CURLcode dyn_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dyn_easy_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dyn_easy_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dyn_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dyn_easy_setopt_blob(CURL *h, CURLoption o, struct curl_blob *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dyn_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode dyn_easy_setopt_share(CURL *h, CURLSH *s) { return curl_easy_setopt(h, CURLOPT_SHARE, s); }

typedef size_t (*dyn_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*dyn_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode dyn_easy_setopt_writefunction(CURL *h, dyn_data_callback f) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode dyn_easy_setopt_headerfunction(CURL *h, dyn_data_callback f) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode dyn_easy_setopt_readfunction(CURL *h, dyn_data_callback f) { return curl_easy_setopt(h, CURLOPT_READFUNCTION, f); }
static inline CURLcode dyn_easy_setopt_xferinfofunction(CURL *h, dyn_xferinfo_callback f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }

static inline CURLcode dyn_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode dyn_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }

typedef void (*dyn_share_lock_callback)(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr);
typedef void (*dyn_share_unlock_callback)(CURL *handle, curl_lock_data data, void *userptr);
static inline CURLSHcode dyn_share_setopt_long(CURLSH *s, CURLSHoption o, long v) { return curl_share_setopt(s, o, v); }
static inline CURLSHcode dyn_share_setopt_ptr(CURLSH *s, CURLSHoption o, void *v) { return curl_share_setopt(s, o, v); }
static inline CURLSHcode dyn_share_setopt_lock(CURLSH *s, dyn_share_lock_callback f) { return curl_share_setopt(s, CURLSHOPT_LOCKFUNC, f); }
static inline CURLSHcode dyn_share_setopt_unlock(CURLSH *s, dyn_share_unlock_callback f) { return curl_share_setopt(s, CURLSHOPT_UNLOCKFUNC, f); }

#endif
