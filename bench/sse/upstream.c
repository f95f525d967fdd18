/*
 * bench/sse/upstream.c: the "provider" of the streaming benchmark (bench/README.md, issue 14).
 *
 *   sse-upstream PORT PROVIDER_KEY
 *
 * One thread, epoll, non-blocking sockets, HTTP/1.1 keep-alive. Every request must carry
 * "Authorization: Bearer PROVIDER_KEY" (else 401), so every answered stream proves the proxy
 * swapped the key in. The request body is read and discarded (Content-Length or chunked), then:
 *
 *   ...?k=K&t=T   a chunked text/event-stream of K OpenAI-shaped chunks T ms apart, the first at
 *                 once, then a usage chunk and "data: [DONE]" right after the last one. Each chunk
 *                 carries "at": the CLOCK_MONOTONIC time (ns) it was scheduled to leave, so the
 *                 load generator on the same machine measures its lateness end to end.
 *   otherwise     a small chat completion naming the body bytes received ("received").
 *
 * Timers are a binary heap of the streams' next due times; epoll_wait sleeps until the earliest.
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

#define HEAD_MAX 16384
#define OUT_MAX 65536

enum state { READ_HEAD, READ_BODY, READ_CHUNK_SIZE, READ_CHUNK_DATA, READ_CHUNK_CRLF, READ_TRAILER, STREAMING };

struct conn {
    int fd;
    enum state state;
    char head[HEAD_MAX];
    size_t head_len;
    long long body_left;    /* bytes of body (or of the current chunk) still to read */
    long long received;     /* body bytes of this request */
    int k, t_ms, sent;      /* stream: chunks wanted, interval, chunks sent */
    int64_t t0;             /* stream start (ns) */
    int heap_index;         /* -1 when not scheduled */
    char out[OUT_MAX];
    size_t out_len, out_off;
    int want_out;
    char line[64];          /* chunk-size line of a chunked request body */
    size_t line_len;
};

static const char *auth_expected;
static size_t auth_expected_len;
static int ep;
static struct conn **heap;
static int heap_len, heap_cap;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t due(struct conn *c) { return c->t0 + (int64_t)c->sent * c->t_ms * 1000000LL; }

static void heap_swap(int a, int b) {
    struct conn *x = heap[a];
    heap[a] = heap[b];
    heap[b] = x;
    heap[a]->heap_index = a;
    heap[b]->heap_index = b;
}

static void heap_up(int i) {
    while (i > 0) {
        int p = (i - 1) / 2;
        if (due(heap[p]) <= due(heap[i])) break;
        heap_swap(p, i);
        i = p;
    }
}

static void heap_down(int i) {
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_len && due(heap[l]) < due(heap[m])) m = l;
        if (r < heap_len && due(heap[r]) < due(heap[m])) m = r;
        if (m == i) return;
        heap_swap(m, i);
        i = m;
    }
}

static void heap_push(struct conn *c) {
    if (heap_len == heap_cap) {
        heap_cap = heap_cap ? heap_cap * 2 : 1024;
        heap = realloc(heap, sizeof(*heap) * heap_cap);
    }
    heap[heap_len] = c;
    c->heap_index = heap_len++;
    heap_up(c->heap_index);
}

static void heap_remove(struct conn *c) {
    int i = c->heap_index;
    if (i < 0) return;
    heap_len--;
    if (i != heap_len) {
        heap[i] = heap[heap_len];
        heap[i]->heap_index = i;
        heap_down(i);
        heap_up(i);
    }
    c->heap_index = -1;
}

static void close_conn(struct conn *c) {
    heap_remove(c);
    close(c->fd);
    free(c);
}

static void set_out_interest(struct conn *c, int want) {
    if (c->want_out == want) return;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want;
}

/* Writes what is pending; returns -1 when the connection is gone. */
static int flush_out(struct conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_out_interest(c, 1);
                return 0;
            }
            if (errno == EINTR) continue;
            return -1;
        }
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
    set_out_interest(c, 0);
    return 0;
}

static void append(struct conn *c, const char *data, size_t len) {
    if (c->out_len + len > OUT_MAX) { /* a stalled reader: drop the oldest pending bytes is wrong, so compact */
        if (c->out_off > 0) {
            memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
            c->out_len -= c->out_off;
            c->out_off = 0;
        }
        if (c->out_len + len > OUT_MAX) { fprintf(stderr, "sse-upstream: output buffer full\n"); return; }
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
}

/* One HTTP chunk holding one SSE event. */
static void append_event(struct conn *c, const char *event, int len) {
    char size[16];
    int n = snprintf(size, sizeof size, "%x\r\n", len);
    append(c, size, (size_t)n);
    append(c, event, (size_t)len);
    append(c, "\r\n", 2);
}

static const char *words[] = {"Hello", " there", "!", " How", " can", " I", " help", " you", " today", "?"};

/* Sends every chunk that is due; schedules the next one or ends the response. */
static int stream_due(struct conn *c, int64_t now) {
    char event[512];
    while (c->sent < c->k && due(c) <= now) {
        int64_t at = due(c);
        int len = snprintf(event, sizeof event,
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
            "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}],\"seq\":%d,\"at\":%lld}\n\n",
            words[c->sent % 10], c->sent, (long long)at);
        append_event(c, event, len);
        c->sent++;
        if (c->sent == c->k) {
            len = snprintf(event, sizeof event,
                "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
                "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":%d,\"total_tokens\":%d},\"seq\":%d,\"at\":%lld}\n\n",
                c->k, c->k + 12, c->k, (long long)at);
            append_event(c, event, len);
            append_event(c, "data: [DONE]\n\n", 14);
            append(c, "0\r\n\r\n", 5);
        }
    }
    heap_remove(c);
    if (c->sent < c->k) {
        heap_push(c);
    } else {
        c->state = READ_HEAD;
        c->head_len = 0;
    }
    return flush_out(c);
}

static const char *find_header(const char *head, const char *name, size_t *len) {
    size_t name_len = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p && p[2] != '\r'; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2;
        if (strncasecmp(line, name, name_len) == 0 && line[name_len] == ':') {
            const char *v = line + name_len + 1;
            while (*v == ' ') v++;
            const char *end = strstr(v, "\r\n");
            *len = (size_t)(end - v);
            return v;
        }
    }
    return NULL;
}

static int query_int(const char *target, const char *name) {
    const char *q = strchr(target, '?');
    size_t n = strlen(name);
    while (q) {
        q++;
        if (strncmp(q, name, n) == 0 && q[n] == '=') return atoi(q + n + 1);
        q = strchr(q, '&');
    }
    return 0;
}

/* The request (head and body) is complete: answer it. */
static int respond(struct conn *c) {
    char target[1024] = {0};
    sscanf(c->head, "%*s %1023s", target);
    size_t auth_len = 0;
    const char *auth = find_header(c->head, "Authorization", &auth_len);
    if (!auth || auth_len != auth_expected_len || memcmp(auth, auth_expected, auth_len) != 0) {
        static const char body[] = "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
        char out[512];
        int n = snprintf(out, sizeof out, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", sizeof body - 1, body);
        append(c, out, (size_t)n);
        c->state = READ_HEAD;
        c->head_len = 0;
        return flush_out(c);
    }
    int k = query_int(target, "k"), t = query_int(target, "t");
    if (k > 0) {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n";
        append(c, head, sizeof head - 1);
        c->state = STREAMING;
        c->k = k;
        c->t_ms = t;
        c->sent = 0;
        c->t0 = now_ns();
        return stream_due(c, c->t0);
    }
    char body[512], out[1024];
    int bn = snprintf(body, sizeof body,
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-mini\","
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Received.\"},\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14},\"received\":%lld}", c->received);
    int n = snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", bn, body);
    append(c, out, (size_t)n);
    c->state = READ_HEAD;
    c->head_len = 0;
    return flush_out(c);
}

/* Consumes body bytes in data[0..len); returns how many were used, or -1 on a framing error. */
static long long consume_body(struct conn *c, const char *data, size_t len, int *done) {
    size_t used = 0;
    *done = 0;
    while (used < len && !*done) {
        switch (c->state) {
        case READ_BODY:
        case READ_CHUNK_DATA: {
            size_t take = (size_t)c->body_left < len - used ? (size_t)c->body_left : len - used;
            used += take;
            c->body_left -= (long long)take;
            c->received += (long long)take;
            if (c->body_left == 0) {
                if (c->state == READ_BODY) *done = 1;
                else c->state = READ_CHUNK_CRLF, c->line_len = 0;
            }
            break;
        }
        case READ_CHUNK_SIZE:
        case READ_CHUNK_CRLF:
        case READ_TRAILER: {
            char ch = data[used++];
            if (c->line_len < sizeof c->line - 1) c->line[c->line_len++] = ch;
            if (ch != '\n') break;
            c->line[c->line_len] = 0;
            if (c->state == READ_CHUNK_CRLF) {
                c->state = READ_CHUNK_SIZE;
            } else if (c->state == READ_CHUNK_SIZE) {
                long long size = strtoll(c->line, NULL, 16);
                c->state = size == 0 ? READ_TRAILER : READ_CHUNK_DATA;
                c->body_left = size;
            } else if (c->line_len <= 2) {
                *done = 1;
            }
            c->line_len = 0;
            break;
        }
        default:
            return -1;
        }
    }
    if (c->state == READ_BODY && c->body_left == 0) *done = 1;
    return (long long)used;
}

static void on_readable(struct conn *c) {
    static char buf[262144];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n == 0) { close_conn(c); return; }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            close_conn(c);
            return;
        }
        size_t off = 0;
        while (off < (size_t)n) {
            if (c->state == STREAMING) { off = (size_t)n; break; } /* no pipelining while streaming */
            if (c->state == READ_HEAD) {
                size_t take = (size_t)n - off;
                if (take > HEAD_MAX - 1 - c->head_len) take = HEAD_MAX - 1 - c->head_len;
                memcpy(c->head + c->head_len, buf + off, take);
                size_t before = c->head_len;
                c->head_len += take;
                c->head[c->head_len] = 0;
                char *end = strstr(c->head, "\r\n\r\n");
                if (!end) {
                    if (c->head_len >= HEAD_MAX - 1) { close_conn(c); return; }
                    off += take;
                    continue;
                }
                size_t head_bytes = (size_t)(end + 4 - c->head);
                off += head_bytes - before;
                end[2] = 0; /* keep the last header's CRLF for find_header */
                c->received = 0;
                size_t len;
                const char *te = find_header(c->head, "Transfer-Encoding", &len);
                const char *cl = find_header(c->head, "Content-Length", &len);
                if (te && strncasecmp(te, "chunked", 7) == 0) {
                    c->state = READ_CHUNK_SIZE;
                    c->line_len = 0;
                } else {
                    c->state = READ_BODY;
                    c->body_left = cl ? atoll(cl) : 0;
                }
                if (c->state == READ_BODY && c->body_left == 0) {
                    if (respond(c) < 0) { close_conn(c); return; }
                }
                continue;
            }
            int done;
            long long used = consume_body(c, buf + off, (size_t)n - off, &done);
            if (used < 0) { close_conn(c); return; }
            off += (size_t)used;
            if (done && respond(c) < 0) { close_conn(c); return; }
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: sse-upstream PORT PROVIDER_KEY\n");
        return 64;
    }
    signal(SIGPIPE, SIG_IGN);
    static char expected[512];
    snprintf(expected, sizeof expected, "Bearer %s", argv[2]);
    auth_expected = expected;
    auth_expected_len = strlen(expected);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 8192) < 0) {
        perror("sse-upstream: bind/listen");
        return 1;
    }
    ep = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
    fprintf(stderr, "sse-upstream: listening on 127.0.0.1:%s\n", argv[1]);

    struct epoll_event events[1024];
    for (;;) {
        /* epoll_pwait2 sleeps to the nanosecond, so chunks leave on time (epoll_wait rounds to ms) */
        struct timespec timeout, *tp = NULL;
        if (heap_len > 0) {
            int64_t wait = due(heap[0]) - now_ns();
            if (wait < 0) wait = 0;
            timeout.tv_sec = wait / 1000000000LL;
            timeout.tv_nsec = wait % 1000000000LL;
            tp = &timeout;
        }
        int n = epoll_pwait2(ep, events, 1024, tp, NULL);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    nc->heap_index = -1;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (events[i].events & EPOLLOUT) {
                if (flush_out(c) < 0) { close_conn(c); continue; }
            }
            if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
        }
        int64_t now = now_ns();
        while (heap_len > 0 && due(heap[0]) <= now) {
            struct conn *c = heap[0];
            if (stream_due(c, now) < 0) close_conn(c);
        }
    }
}
