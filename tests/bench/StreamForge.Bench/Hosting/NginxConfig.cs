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
    public static string Proxy(string prefix, int port, int originPort, bool tuned)
    {
        var buffers = tuned
            ? "proxy_buffering off; proxy_buffer_size 256k; proxy_buffers 4 256k;"
            : "# nginx's default proxy buffers (proxy_buffering on)";
        return Common(prefix, $$"""
                upstream origin {
                    server 127.0.0.1:{{originPort}};
                    keepalive 256;
                }
                server {
                    listen 127.0.0.1:{{port}} backlog=4096;
                    location / {
                        proxy_pass http://origin;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        {{buffers}}
                    }
                }
            """);
    }

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
