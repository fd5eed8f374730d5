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
# tests/test_edge_varnish.py runs this very file against a real varnishd.

vcl 4.1;

import xkey;

# [1] The gunicorn address (or a director over several web hosts).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
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

sub vcl_backend_response {
    # A fetch that failed is never cached over the copy in grace.
    if (beresp.status >= 500) {
        return (abandon);
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
