"""The demo's outgoing mail server: accepts every message Odoo sends and keeps it as a file, so that the e-mails of
`make run` (payment reminders, statements) can be opened instead of failing for want of a real server.

    mail_sink.py PORT FOLDER    -> listens on 127.0.0.1:PORT, writes FOLDER/<time>-<n>.eml per message

Only what Odoo's client needs of SMTP (RFC 5321): EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no
authentication, loopback only. A message over MAX_BYTES is refused.
"""

import asyncio
import sys
import time
from itertools import count
from pathlib import Path

MAX_BYTES = 25 * 1024 * 1024
numbers = count(1)


async def session(reader, writer, folder):
    async def reply(line):
        writer.write(f"{line}\r\n".encode())
        await writer.drain()

    await reply("220 founder-backoffice demo mail sink")
    while line := await reader.readline():
        command = line.decode("ascii", "replace").strip().upper()
        if command.startswith("EHLO"):
            await reply(f"250-demo mail sink\r\n250 SIZE {MAX_BYTES}")
        elif command.startswith(("HELO", "MAIL", "RCPT", "RSET", "NOOP")):
            await reply("250 OK")
        elif command == "DATA":
            await reply("354 End data with <CR><LF>.<CR><LF>")
            lines, size = [], 0
            while (data := await reader.readline()) not in (b".\r\n", b".\n", b""):
                size += len(data)
                lines.append(data[1:] if data.startswith(b"..") else data)
            if size > MAX_BYTES:
                await reply("552 Message too large")
                continue
            path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{next(numbers)}.eml"
            path.write_bytes(b"".join(lines))
            await reply("250 OK: kept")
        elif command == "QUIT":
            await reply("221 Bye")
            break
        else:
            await reply("502 Command not implemented")
    writer.close()


async def main(port, folder):
    folder.mkdir(parents=True, exist_ok=True)
    server = await asyncio.start_server(lambda r, w: session(r, w, folder), "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))
