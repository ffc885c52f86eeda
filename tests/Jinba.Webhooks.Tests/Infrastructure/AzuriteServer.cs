using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// A private, in-memory Azurite table service on a free loopback port, started from the
/// repository's pinned node_modules (see package.json) and stopped on dispose.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";

    // Azurite's fixed, publicly documented development key.
    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const int MaxLaunchAttempts = 5;
    private const int MaxOutputLines = 200;

    // Makes node exit when our end of its stdin pipe closes, so a crashed test host
    // does not leave an orphaned emulator behind.
    private const string ExitWithParent =
        "data:text/javascript,process.stdin.on('end',()=>process.exit(0)).resume()";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process process;
    private int disposed;

    private AzuriteServer(Process process, int tablePort)
    {
        this.process = process;
        TablePort = tablePort;
        ConnectionString =
            "DefaultEndpointsProtocol=http;" +
            $"AccountName={AccountName};" +
            $"AccountKey={AccountKey};" +
            $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName};";
    }

    public string ConnectionString { get; }

    public int TablePort { get; }

    /// <param name="port">A port to use; a free one is picked when null.</param>
    public static async Task<AzuriteServer> StartAsync(int? port = null,
        CancellationToken ct = default)
    {
        var root = FindRepositoryRoot();
        var entryPoint = Path.Combine(
            root, "node_modules", "azurite", "dist", "src", "table", "main.js");
        if (!File.Exists(entryPoint))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: '{entryPoint}' does not exist. " +
                $"Run `npm ci` in the repository root ({root}) and try again.");
        }

        var earlyExits = new StringBuilder();
        for (var attempt = 1; attempt <= MaxLaunchAttempts; attempt++)
        {
            ct.ThrowIfCancellationRequested();

            // The port is free now but could be taken before node binds it; in that
            // case node exits early and the next attempt picks another port.
            var tablePort = port ?? FindFreePort();
            var output = new OutputBuffer(MaxOutputLines);
            var process = Launch(root, entryPoint, tablePort, output);

            bool ready;
            try
            {
                ready = await WaitUntilListeningAsync(process, tablePort, ct);
            }
            catch
            {
                await StopAsync(process);
                throw;
            }

            if (ready)
            {
                return new AzuriteServer(process, tablePort);
            }

            // Stopping first also waits for the last output lines to arrive.
            var exitedEarly = process.HasExited;
            var exitCode = await StopAsync(process);
            if (!exitedEarly)
            {
                throw new InvalidOperationException(
                    $"Azurite did not accept connections on port {tablePort} within " +
                    $"{StartTimeout.TotalSeconds:0} s. Output:{Environment.NewLine}{output}");
            }

            earlyExits
                .AppendLine($"Attempt {attempt}, port {tablePort}: exit code {exitCode}.")
                .AppendLine(output.ToString());
        }

        throw new InvalidOperationException(
            $"Azurite exited during start-up {MaxLaunchAttempts} times." +
            $"{Environment.NewLine}{earlyExits}");
    }

    /// <summary>
    /// Stops the emulator from answering without closing its port, as a hung storage service
    /// would; <see cref="Resume"/> lets it carry on with its data intact.
    /// </summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {process.Id}");
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(process);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null;
            dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) &&
                File.Exists(Path.Combine(dir.FullName, "Jinba.Webhooks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            "Cannot find the repository root (a directory holding both package.json " +
            $"and Jinba.Webhooks.sln) above '{AppContext.BaseDirectory}'.");
    }

    private static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static Process Launch(string root, string entryPoint, int port, OutputBuffer output)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "--import", ExitWithParent,
            entryPoint,
            "--tableHost", "127.0.0.1",
            "--tablePort", port.ToString(),
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--loose",
            "--disableProductStyleUrl",
            "--disableTelemetry",
            "--silent",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A developer's custom account list would make the well-known key invalid.
        startInfo.Environment.Remove("AZURITE_ACCOUNTS");

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException(
                "Could not start `node`; Node.js 20 or later must be on the PATH " +
                "to run Azurite for the tests.",
                ex);
        }

        // Reading continuously keeps node from blocking on a full pipe.
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> WaitUntilListeningAsync(
        Process process, int port, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            using (var client = new TcpClient())
            {
                try
                {
                    await client.ConnectAsync(IPAddress.Loopback, port, ct);

                    // Something else could own the port while node is failing to bind it.
                    return !process.HasExited;
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(PollInterval, ct);
        }

        return false;
    }

    /// <returns>The exit code, or null when the process could not be reaped in time.</returns>
    private static async Task<int?> StopAsync(Process process)
    {
        try
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It has already exited.
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        finally
        {
            process.Dispose();
        }
    }

    private sealed class OutputBuffer(int capacity)
    {
        private readonly Queue<string> lines = new();
        private readonly Lock gate = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                if (lines.Count == capacity)
                {
                    lines.Dequeue();
                }

                lines.Enqueue(line);
            }
        }

        public override string ToString()
        {
            lock (gate)
            {
                return lines.Count == 0
                    ? "(no output)"
                    : string.Join(Environment.NewLine, lines);
            }
        }
    }
}
