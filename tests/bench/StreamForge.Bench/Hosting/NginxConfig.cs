namespace StreamForge.Bench.Hosting;

/// <summary>
/// nginx configurations of the contenders. Shared by all: one worker per core, sendfile, no access log, and
/// keep-alive connections that last the whole run (wrk reuses connections; the default of 1000 requests per
/// connection would add reconnects to the small-object figures).
/// </summary>
internal static class NginxConfig
{
    /// <summary>Contender 1: nginx serving the files itself (sendfile from the page cache).</summary>
    public static string Origin(string prefix, int port, string root) => Common(prefix, $$"""
            server {
                listen 127.0.0.1:{{port}} backlog=4096;
                root {{root}};
            }
        """);

    /// <summary>
    /// Contenders 2 and 3: nginx as a reverse proxy, tuned for streaming (proxy_buffering off, 256k buffers, HTTP/1.1 upstream), or with nginx's
    /// default buffers (proxy_buffering on: responses are spooled to temp files when the client is slower).
    /// Both keep upstream connections alive, as YARP does, so that small-object figures compare forwarding
    /// rather than connection set-up.
    /// </summary>
    public static string Proxy(string prefix, int port, int originPort, bool tuned) =>
        ProxyTo(prefix, port, originPort, tuned ? TunedBuffers : "# nginx's default proxy buffers (proxy_buffering on)");

    /// <summary>
    /// The S3 route's reference proxy: the tuned proxy in front of s3rver, bodies streamed both ways (uploads too:
    /// <c>proxy_request_buffering off</c>, no body size limit), and s3rver's own address as Host, since s3rver
    /// would read any other host name as a virtual-hosted bucket. What a mature proxy reaches on the same 2 cores,
    /// beside the same s3rver and client, tells the gateway's share of the gap to direct reads from the machine's.
    /// </summary>
    public static string S3Proxy(string prefix, int port, int s3Port) =>
        ProxyTo(prefix, port, s3Port, $"{TunedBuffers} proxy_request_buffering off; client_max_body_size 0; proxy_set_header Host 127.0.0.1:{s3Port};");

    private const string TunedBuffers = "proxy_buffering off; proxy_buffer_size 256k; proxy_buffers 4 256k;";

    private static string ProxyTo(string prefix, int port, int upstreamPort, string directives) => Common(prefix, $$"""
            upstream origin {
                server 127.0.0.1:{{upstreamPort}};
                keepalive 256;
            }
            server {
                listen 127.0.0.1:{{port}} backlog=4096;
                location / {
                    proxy_pass http://origin;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    {{directives}}
                }
            }
        """);

    /// <summary>
    /// g. The origin behind the cache contenders: the origin's configuration plus an access log of what it sends
    /// (status, <c>$body_bytes_sent</c>, URI, Range: <see cref="Measuring.NginxUpstreamLog"/> sums it), and
    /// <c>expires 1h</c>, so that both caches hold objects fresh for the whole phase on the origin's own word
    /// (RFC 9111 section 4.2.1) rather than on a default. A separate instance: logging on the origin itself would
    /// tax the direct contender in the other phases.
    /// </summary>
    public static string CacheOrigin(string prefix, int port, string root, string accessLog) => Common(prefix, $$"""
            log_format bench_upstream '$status\t$body_bytes_sent\t$request_uri\t$http_range';
            server {
                listen 127.0.0.1:{{port}} backlog=4096;
                root {{root}};
                expires 1h;
                access_log {{accessLog}} bench_upstream;
            }
        """);

    /// <summary>
    /// g. nginx as an edge cache: proxy_cache with the slice module (8 MiB slices, the gateway's default
    /// <c>Range:SliceSize</c>), one upstream fill per slice (<c>proxy_cache_lock</c>), hits sent with sendfile from
    /// the cache folder. <c>X-Cache-Status</c> says whether the response (its first slice) was a hit.
    /// </summary>
    public static string CacheProxy(string prefix, int port, int originPort, string cacheDir) => Common(prefix, $$"""
                proxy_cache_path {{cacheDir}} levels=1:2 keys_zone=bench_cache:64m max_size=20g inactive=1d use_temp_path=off;
                upstream origin {
                    server 127.0.0.1:{{originPort}};
                    keepalive 256;
                }
                server {
                    listen 127.0.0.1:{{port}} backlog=4096;
                    location / {
                        slice 8m;
                        proxy_cache bench_cache;
                        proxy_cache_key $uri$is_args$args$slice_range;
                        proxy_set_header Range $slice_range;
                        proxy_cache_valid 200 206 1h;
                        proxy_cache_lock on;
                        proxy_pass http://origin;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        add_header X-Cache-Status $upstream_cache_status always;
                    }
                }
            """);

    private static string Common(string prefix, string servers)
    {
        // As root, nginx would switch workers to "nobody", who cannot read the bench's private temp folder.
        var user = Environment.UserName == "root" ? "user root;" : string.Empty;
        return $$"""
            {{user}}
            worker_processes auto;
            worker_rlimit_nofile 16384;
            daemon off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 1000000;
                keepalive_timeout 120s;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                default_type application/octet-stream;
            {{servers}}
            }
            """;
    }
}
