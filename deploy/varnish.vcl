# Standfirst behind Varnish 7 with the xkey module: the reference front cache.
#
# Debian: apt install varnish varnish-modules. Adjust the two marked values, then run e.g.
#   varnishd -a :80 -f /etc/varnish/standfirst.vcl -s malloc,1g
# and set STANDFIRST_EDGE_PURGE=varnish, STANDFIRST_VARNISH_URLS=http://<varnish>/ on the
# app and its worker.
#
# Varnish stores what Standfirst marks shareable (Cache-Control: public, s-maxage,
# stale-while-revalidate: the grace period) and passes everything else: Set-Cookie,
# private or no-cache responses, requests with a session cookie or an Authorization header
# (Varnish's built-in rules, which run after ours). Each page carries its surrogate keys in
# `xkey` (articles/surrogate.py); after a change the worker sends
#   PURGE /  with  xkey-softpurge: <keys>   (ordinary: grace may serve the old copy briefly)
#   PURGE /  with  xkey-purge: <keys>       (legal: gone at once, never served stale, not
#                                            even while the origin is down)
# tests/test_edge_varnish.py runs this very file against a real varnishd, and
# tests/test_scale_hosts.py in front of two web hosts, one of which it kills.

vcl 4.1;

import directors;
import xkey;

# [1] The web hosts (gunicorn), one backend each, and the Host their probe sends (one of
# DJANGO_ALLOWED_HOSTS). The probe asks for readiness, /healthz: a host whose database is
# unreachable answers 503 there and gets no requests until it recovers (its liveness,
# /livez, stays up, so nothing restarts it). With every host out, Varnish serves what it
# holds in grace and answers the rest with a 503.
probe ready {
    .request = "GET /healthz HTTP/1.1"
               "Host: news.example.org"
               "X-Forwarded-Proto: https"
               "Connection: close";
    .interval = 1s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;      # healthy from the start: no 503s while the first probes run
}

backend web1 {
    .host = "127.0.0.1";  # web1
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = ready;
}

backend web2 {
    .host = "127.0.0.1";  # web2
    .port = "8001";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = ready;
}

# The shard director: each URL has its host (consistent hashing spreads the URLs over the
# healthy hosts), and its alt-th alternative is always another host, so a retry
# (alt = bereq.retries) never lands on the host that just failed.
sub vcl_init {
    new hosts = directors.shard();
    hosts.add_backend(web1);
    hosts.add_backend(web2);
    hosts.reconfigure();
}

# [2] Who may purge: the app's and the worker's addresses only.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is for the app only"));
        }
        if (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            set req.http.x-purged = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "Send xkey-purge or xkey-softpurge"));
        }
        return (synth(200, "Purged " + req.http.x-purged));
    }
}

sub vcl_backend_fetch {
    set bereq.backend = hosts.backend(alt = bereq.retries);
}

sub vcl_backend_response {
    # A host that answers a GET or HEAD with an error gets one retry on another host.
    # A fetch that still failed is never cached over the copy in grace.
    if (beresp.status >= 500) {
        if (bereq.retries < 1 && bereq.method ~ "^(GET|HEAD)$") {
            return (retry);
        }
        return (abandon);
    }
}

sub vcl_backend_error {
    # A host that died (connection refused or reset, or no answer in time) does not lose
    # the reader's GET or HEAD: it goes to another host (and the probe takes the dead one
    # out of the director within about two seconds). A POST may have been acted on: it is
    # never sent twice.
    if (bereq.retries < 1 && bereq.method ~ "^(GET|HEAD)$") {
        return (retry);
    }
}

sub vcl_deliver {
    # The keys are for purging, not for readers.
    unset resp.http.xkey;
    # Via and X-Varnish name the cache and its version; the backend's Server header
    # is reduced to a name.
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    set resp.http.Server = "standfirst";
    set resp.http.X-Cache = "MISS";
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    }
}
