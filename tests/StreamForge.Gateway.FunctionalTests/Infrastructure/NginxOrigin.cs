namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Debian's nginx serving a folder on a loopback port: a known-correct HTTP origin (ranges, conditionals).</summary>
internal sealed class NginxOrigin : IDisposable
{
    private readonly TempFolder _folder = new("nginx");
    private readonly ExternalProcess _process;

    private NginxOrigin(int port, string serverDirectives)
    {
        Port = port;
        Directory.CreateDirectory(WebRoot);
        var config = _folder.Combine("nginx.conf");
        File.WriteAllText(config, $$"""
            user root;
            worker_processes 1;
            daemon off;
            pid {{_folder.Combine("nginx.pid")}};
            error_log {{_folder.Combine("error.log")}} warn;
            events { worker_connections 512; }
            http {
                access_log off;
                sendfile on;
                client_body_temp_path {{_folder.Combine("body")}};
                proxy_temp_path {{_folder.Combine("proxy")}};
                fastcgi_temp_path {{_folder.Combine("fastcgi")}};
                uwsgi_temp_path {{_folder.Combine("uwsgi")}};
                scgi_temp_path {{_folder.Combine("scgi")}};
                types { video/mp4 mp4; application/octet-stream bin; text/plain txt; }
                default_type application/octet-stream;
                server {
                    listen 127.0.0.1:{{port}};
                    root {{WebRoot}};
                    {{serverDirectives}}
                }
            }
            """);
        _process = new ExternalProcess(File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx", ["-c", config, "-p", _folder.Path]);
    }

    public int Port { get; }

    public string WebRoot => _folder.Combine("www");

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <param name="serverDirectives">More of the server block, e.g. a <c>location</c> that adds headers (paths under WebRoot).</param>
    public static async Task<NginxOrigin> StartAsync(string serverDirectives = "")
    {
        var origin = new NginxOrigin(FreePort.Next(), serverDirectives);
        await Eventually.TrueAsync(() => FreePort.Accepts(origin.Port), $"nginx listening on {origin.Port}: {origin._process.StandardError}");
        return origin;
    }

    public void Dispose()
    {
        _process.Dispose();
        _folder.Dispose();
    }
}
