/*
 * bench/sse/load.c: the load generator of the streaming benchmark (bench/README.md, issue 14).
 *
 *   sse-load streams PORT PATH AUTH N RAMP_S WARM_S WINDOW_S
 *       Holds N concurrent streams on N keep-alive connections to 127.0.0.1:PORT: connection j
 *       starts at RAMP_S * j / N (so the streams' phases spread), and each sends its next request
 *       as soon as a stream ends. Measures from RAMP_S + WARM_S for WINDOW_S seconds: time to the
 *       first SSE event of every request sent in the window, and each event's lateness: arrival
 *       minus the "at" the upstream (bench/sse/upstream.c, same machine, CLOCK_MONOTONIC) wrote
 *       into it as its scheduled send time.
 *   sse-load bodies PORT PATH AUTH BYTES COUNT CONCURRENCY
 *       COUNT POSTs of BYTES each (Content-Length), CONCURRENCY at a time; checks the upstream's
 *       "received" equals BYTES.
 *
 * Prints "window-start" and "window-end" lines (flushed) when the window opens and closes, so the
 * runner samples the proxy's CPU, memory and GC there, then one JSON object on the last line.
 * Errors: failed connects, non-200 answers, connections closed mid-response, missing or
 * out-of-order chunks, responses without "[DONE]", bodies not fully received.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_MAX 65536

/* Histogram: 1 µs bins up to 100 ms, then 1 ms bins up to 100 s. */
#define FINE_BINS 100000
#define COARSE_BINS 100000
struct histogram {
    long long fine[FINE_BINS];
    long long coarse[COARSE_BINS];
    long long count;
    long long over;
    double sum_us;
    long long max_us;
};

static void record(struct histogram *h, int64_t ns) {
    long long us = ns < 0 ? 0 : ns / 1000;
    h->count++;
    h->sum_us += (double)us;
    if (us > h->max_us) h->max_us = us;
    if (us < FINE_BINS) h->fine[us]++;
    else if (us / 1000 < COARSE_BINS) h->coarse[us / 1000]++;
    else h->over++;
}

static double percentile(const struct histogram *h, double p) {
    if (h->count == 0) return 0;
    long long rank = (long long)(p * (double)h->count);
    if (rank >= h->count) rank = h->count - 1;
    long long seen = 0;
    for (int i = 0; i < FINE_BINS; i++) {
        seen += h->fine[i];
        if (seen > rank) return i / 1000.0;
    }
    for (int i = 0; i < COARSE_BINS; i++) {
        seen += h->coarse[i];
        if (seen > rank) return (double)i;
    }
    return (double)h->max_us / 1000.0;
}

static struct histogram ttfb, lateness;

enum phase { IDLE, CONNECTING, SENDING, RESP_HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, CHUNK_TRAILER, BODY_CL };

struct conn {
    int fd;
    enum phase phase;
    int64_t start_at;       /* when to connect (streams) */
    int64_t sent_at;        /* request written */
    int in_window;          /* request sent inside the window */
    int got_first;
    int expect_seq;
    int done_seen;
    const char *req;        /* request head (and small body) */
    size_t req_len, req_off;
    long long body_left;    /* bytes of a large body still to send */
    char in[IN_MAX];
    size_t in_len;
    char ev[8192];          /* SSE bytes of the current event */
    size_t ev_len;
    long long chunk_left;
    long long resp_left;    /* Content-Length response */
    int status;
    int want_out;
};

static int ep, port;
static long long errors_connect, errors_status, errors_closed, errors_sequence, errors_incomplete, errors_body;
static long long requests_done, requests_in_window, events_in_window;
static int64_t window_start, window_end;
static int mode_bodies;
static long long body_bytes;
static char body_chunk[65536];

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int in_window(int64_t t) { return t >= window_start && t < window_end; }

static void watch(struct conn *c, int out) {
    struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = out;
}

static int open_conn(struct conn *c) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) { errors_connect++; return -1; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int r = connect(c->fd, (struct sockaddr *)&addr, sizeof addr);
    if (r < 0 && errno != EINPROGRESS) { close(c->fd); c->fd = -1; errors_connect++; return -1; }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    c->want_out = 1;
    c->phase = CONNECTING;
    return 0;
}

static void begin_request(struct conn *c) {
    c->phase = SENDING;
    c->req_off = 0;
    c->body_left = mode_bodies ? body_bytes : 0;
    c->sent_at = now_ns();
    c->in_window = in_window(c->sent_at);
    c->got_first = 0;
    c->expect_seq = 0;
    c->done_seen = 0;
    c->ev_len = 0;
    c->in_len = 0;
    c->status = 0;
    if (!c->want_out) watch(c, 1);
}

static void drop(struct conn *c, long long *counter) {
    if (counter) (*counter)++;
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->phase = IDLE;
}

/* One complete SSE event in c->ev. */
static void on_event(struct conn *c, int64_t now) {
    c->ev[c->ev_len] = 0;
    if (strstr(c->ev, "data: [DONE]")) { c->done_seen = 1; return; }
    const char *seq = strstr(c->ev, "\"seq\":");
    const char *at = strstr(c->ev, "\"at\":");
    if (!seq || !at) { errors_sequence++; return; }
    if (atoi(seq + 6) != c->expect_seq) errors_sequence++;
    c->expect_seq = atoi(seq + 6) + 1;
    int64_t scheduled = strtoll(at + 5, NULL, 10);
    if (!c->got_first) {
        c->got_first = 1;
        if (c->in_window) record(&ttfb, now - c->sent_at);
    }
    if (in_window(now)) {
        record(&lateness, now - scheduled);
        events_in_window++;
    }
}

static void on_sse_bytes(struct conn *c, const char *p, size_t n, int64_t now) {
    for (size_t i = 0; i < n; i++) {
        if (c->ev_len < sizeof c->ev - 1) c->ev[c->ev_len++] = p[i];
        if (p[i] == '\n' && c->ev_len >= 2 && c->ev[c->ev_len - 2] == '\n') {
            on_event(c, now);
            c->ev_len = 0;
        }
    }
}

static void response_done(struct conn *c, int64_t now) {
    (void)now;
    if (c->status != 200) errors_status++;
    else if (!mode_bodies && !c->done_seen) errors_incomplete++;
    requests_done++;
    if (c->in_window) requests_in_window++;
}

/* Parses what is in c->in; returns 1 when the response is complete. */
static int parse(struct conn *c, int64_t now) {
    size_t off = 0;
    int complete = 0;
    while (off < c->in_len && !complete) {
        if (c->phase == RESP_HEAD) {
            c->in[c->in_len] = 0;
            char *end = strstr(c->in + off, "\r\n\r\n");
            if (!end) break;
            c->status = atoi(c->in + off + 9);
            *end = 0;
            char *te = strcasestr(c->in + off, "\r\nTransfer-Encoding: chunked");
            char *cl = strcasestr(c->in + off, "\r\nContent-Length:");
            off = (size_t)(end + 4 - c->in);
            if (te) c->phase = CHUNK_SIZE;
            else if (cl) { c->phase = BODY_CL; c->resp_left = atoll(cl + 17); if (c->resp_left == 0) complete = 1; }
            else { c->phase = BODY_CL; c->resp_left = -1; }
            c->ev_len = 0;
        } else if (c->phase == CHUNK_SIZE || c->phase == CHUNK_CRLF || c->phase == CHUNK_TRAILER) {
            char *nl = memchr(c->in + off, '\n', c->in_len - off);
            if (!nl) break;
            if (c->phase == CHUNK_SIZE) {
                c->chunk_left = strtoll(c->in + off, NULL, 16);
                c->phase = c->chunk_left == 0 ? CHUNK_TRAILER : CHUNK_DATA;
            } else if (c->phase == CHUNK_CRLF) {
                c->phase = CHUNK_SIZE;
            } else if (nl - (c->in + off) <= 1) {
                complete = 1;
            }
            off = (size_t)(nl + 1 - c->in);
        } else if (c->phase == CHUNK_DATA) {
            size_t take = c->in_len - off;
            if ((long long)take > c->chunk_left) take = (size_t)c->chunk_left;
            if (c->status == 200) on_sse_bytes(c, c->in + off, take, now);
            off += take;
            c->chunk_left -= (long long)take;
            if (c->chunk_left == 0) c->phase = CHUNK_CRLF;
        } else if (c->phase == BODY_CL) {
            size_t take = c->in_len - off;
            if (c->resp_left >= 0 && (long long)take > c->resp_left) take = (size_t)c->resp_left;
            if (mode_bodies && c->status == 200) {
                /* the answer is small; keep it for the "received" check */
                if (c->ev_len + take < sizeof c->ev) { memcpy(c->ev + c->ev_len, c->in + off, take); c->ev_len += take; }
            } else if (c->status == 200) {
                on_sse_bytes(c, c->in + off, take, now);
            }
            off += take;
            if (c->resp_left > 0) c->resp_left -= (long long)take;
            if (c->resp_left == 0) complete = 1;
        } else {
            break;
        }
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    if (complete && mode_bodies && c->status == 200) {
        c->ev[c->ev_len] = 0;
        const char *r = strstr(c->ev, "\"received\":");
        if (!r || atoll(r + 11) != body_bytes) errors_body++;
    }
    return complete;
}

static void on_event_io(struct conn *c, uint32_t events, int64_t now, int *keep_going) {
    if (c->phase == CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) { drop(c, &errors_connect); return; }
        begin_request(c);
    }
    if (c->phase == SENDING && (events & EPOLLOUT)) {
        while (c->req_off < c->req_len || c->body_left > 0) {
            const char *p;
            size_t n;
            if (c->req_off < c->req_len) { p = c->req + c->req_off; n = c->req_len - c->req_off; }
            else { p = body_chunk; n = c->body_left < (long long)sizeof body_chunk ? (size_t)c->body_left : sizeof body_chunk; }
            ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                if (errno == EINTR) continue;
                drop(c, &errors_closed);
                return;
            }
            if (c->req_off < c->req_len) c->req_off += (size_t)w;
            else c->body_left -= w;
        }
        c->phase = RESP_HEAD;
        watch(c, 0);
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        for (;;) {
            if (c->fd < 0) return;
            ssize_t r = recv(c->fd, c->in + c->in_len, IN_MAX - 1 - c->in_len, 0);
            if (r == 0) { drop(c, c->phase == IDLE ? NULL : &errors_closed); return; }
            if (r < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                if (errno == EINTR) continue;
                drop(c, &errors_closed);
                return;
            }
            c->in_len += (size_t)r;
            if (c->phase == SENDING) continue; /* an early answer (e.g. 413): read it once sent */
            if (parse(c, now)) {
                response_done(c, now);
                if (*keep_going) begin_request(c);
                else { drop(c, NULL); return; }
            }
        }
    }
}

static char *build_request(const char *path, const char *auth, const char *body, long long content_length, size_t *len) {
    size_t cap = strlen(path) + strlen(auth) + (body ? strlen(body) : 0) + 512;
    char *req = malloc(cap);
    int n = snprintf(req, cap,
        "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: %s\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: %lld\r\n\r\n%s",
        path, port, auth, content_length, body ? body : "");
    *len = (size_t)n;
    return req;
}

static void print_json(const char *mode, int n, double seconds) {
    printf("{\"mode\":\"%s\",\"streams\":%d,\"window_s\":%.3f,\"requests\":%lld,\"requests_in_window\":%lld,\"events_in_window\":%lld,"
        "\"errors\":{\"connect\":%lld,\"status\":%lld,\"closed\":%lld,\"sequence\":%lld,\"incomplete\":%lld,\"body\":%lld},"
        "\"ttfb_ms\":{\"count\":%lld,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f},"
        "\"lateness_ms\":{\"count\":%lld,\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}}\n",
        mode, n, seconds, requests_done, requests_in_window, events_in_window,
        errors_connect, errors_status, errors_closed, errors_sequence, errors_incomplete, errors_body,
        ttfb.count, percentile(&ttfb, 0.5), percentile(&ttfb, 0.99), ttfb.max_us / 1000.0,
        lateness.count, percentile(&lateness, 0.5), percentile(&lateness, 0.99), percentile(&lateness, 0.999), lateness.max_us / 1000.0);
    fflush(stdout);
}

static int usage(void) {
    fprintf(stderr, "usage: sse-load streams PORT PATH AUTH N RAMP_S WARM_S WINDOW_S\n       sse-load bodies PORT PATH AUTH BYTES COUNT CONCURRENCY\n");
    return 64;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage();
    signal(SIGPIPE, SIG_IGN);
    ep = epoll_create1(0);
    struct epoll_event events[1024];
    int keep_going = 1;

    if (strcmp(argv[1], "streams") == 0 && argc == 9) {
        port = atoi(argv[2]);
        int n = atoi(argv[5]);
        double ramp = atof(argv[6]), warm = atof(argv[7]), window = atof(argv[8]);
        size_t req_len;
        const char *req = build_request(argv[3], argv[4],
            "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}",
            -1, &req_len);
        /* Content-Length of the small body: rebuild with the right value */
        const char *body = strstr(req, "\r\n\r\n") + 4;
        size_t body_len = strlen(body);
        char *final = build_request(argv[3], argv[4], body, (long long)body_len, &req_len);
        struct conn *conns = calloc((size_t)n, sizeof *conns);
        int64_t t0 = now_ns();
        window_start = t0 + (int64_t)((ramp + warm) * 1e9);
        window_end = window_start + (int64_t)(window * 1e9);
        for (int j = 0; j < n; j++) {
            conns[j].fd = -1;
            conns[j].phase = IDLE;
            conns[j].start_at = t0 + (int64_t)(ramp * 1e9 * j / n);
            conns[j].req = final;
            conns[j].req_len = req_len;
        }
        int next = 0, announced_start = 0;
        for (;;) {
            int64_t now = now_ns();
            while (next < n && conns[next].start_at <= now) { open_conn(&conns[next]); next++; }
            if (!announced_start && now >= window_start) { printf("window-start\n"); fflush(stdout); announced_start = 1; }
            if (now >= window_end) break;
            /* reconnect streams whose connection failed, at most once per 100 ms each */
            int64_t wake = window_end;
            if (next < n && conns[next].start_at < wake) wake = conns[next].start_at;
            if (!announced_start && window_start < wake) wake = window_start;
            int timeout = (int)((wake - now) / 1000000);
            if (timeout > 100) timeout = 100;
            if (timeout < 0) timeout = 0;
            int k = epoll_wait(ep, events, 1024, timeout);
            now = now_ns();
            for (int i = 0; i < k; i++) on_event_io(events[i].data.ptr, events[i].events, now, &keep_going);
            for (int j = 0; j < next; j++) {
                if (conns[j].phase == IDLE && conns[j].fd < 0 && now - conns[j].start_at > 100000000LL) {
                    conns[j].start_at = now;
                    open_conn(&conns[j]);
                }
            }
        }
        printf("window-end\n");
        fflush(stdout);
        int open = 0;
        for (int j = 0; j < n; j++) {
            if (conns[j].fd >= 0) { open++; close(conns[j].fd); }
        }
        print_json("streams", n, window);
        (void)open;
        return 0;
    }

    if (strcmp(argv[1], "bodies") == 0 && argc == 8) {
        mode_bodies = 1;
        port = atoi(argv[2]);
        body_bytes = atoll(argv[5]);
        long long count = atoll(argv[6]);
        int concurrency = atoi(argv[7]);
        memset(body_chunk, 'a', sizeof body_chunk);
        /* a JSON-looking body: the proxy only streams it, the upstream counts it */
        body_chunk[0] = '{';
        size_t req_len;
        char *req = build_request(argv[3], argv[4], NULL, body_bytes, &req_len);
        struct conn *conns = calloc((size_t)concurrency, sizeof *conns);
        window_start = 0;
        window_end = INT64_MAX;
        printf("window-start\n");
        fflush(stdout);
        int64_t started = now_ns();
        long long launched = 0;
        for (int j = 0; j < concurrency && launched < count; j++, launched++) {
            conns[j].req = req;
            conns[j].req_len = req_len;
            open_conn(&conns[j]);
        }
        keep_going = 0;
        while (requests_done + errors_connect + errors_closed < count) {
            int k = epoll_wait(ep, events, 1024, 1000);
            int64_t now = now_ns();
            for (int i = 0; i < k; i++) on_event_io(events[i].data.ptr, events[i].events, now, &keep_going);
            for (int j = 0; j < concurrency && launched < count; j++) {
                if (conns[j].phase == IDLE && conns[j].fd < 0) { open_conn(&conns[j]); launched++; }
            }
            if (now - started > 600000000000LL) break;
        }
        printf("window-end\n");
        fflush(stdout);
        print_json("bodies", concurrency, (now_ns() - started) / 1e9);
        return 0;
    }
    return usage();
}
