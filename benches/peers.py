#!/usr/bin/env python3
"""Peer (b) of benches/peers.rs: Python's `email` package + `icalendar`.

The same minimal relay as the Rust peer in benches/common/peer.rs: parse the message
(email.policy.default), take the first text/calendar, application/ics or *.ics part,
parse it with icalendar and serialise it again, then build a new message:
multipart/alternative { text, HTML, text/calendar; method=... (base64) }, with every
other leaf part re-attached (multipart/mixed) when there are any. A message without a
calendar is passed through. It normalises nothing.

Usage: peers.py --dir DIR [--budget SECONDS] NAME...
Reads DIR/NAME.eml for each NAME and prints one JSON object per line:
{"name", "bytes", "iterations", "seconds", "outcome"}. When icalendar cannot be
imported it prints {"unavailable": why} and exits 0: the Rust side then prints a note.
Licence: MIT OR Apache-2.0.
"""

import argparse
import email
import email.policy
import json
import os
import sys
import time
from email.message import EmailMessage


def is_calendar(ctype, filename):
    return ctype in ("text/calendar", "application/ics") or (
        filename is not None and filename.lower().endswith(".ics")
    )


def relay(raw, icalendar):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    cal_part = None
    text = None
    html = None
    others = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = part.get_filename()
        if cal_part is None and is_calendar(ctype, filename):
            cal_part = part
            continue
        attachment = part.get_content_disposition() == "attachment"
        if ctype == "text/plain" and text is None and not attachment:
            text = part.get_content()
        elif ctype == "text/html" and html is None and not attachment:
            html = part.get_content()
        else:
            others.append(part)
    if cal_part is None:
        return bytes(raw), "passed through"

    cal = icalendar.Calendar.from_ical(cal_part.get_payload(decode=True))
    ics = cal.to_ical()
    method = str(cal.get("METHOD", "REQUEST"))

    out = EmailMessage()
    for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
        value = msg.get(name)
        if value is not None:
            out[name] = str(value)
    cal_args = dict(maintype="text", subtype="calendar", params={"method": method})
    if text is not None:
        out.set_content(text)
        if html is not None:
            out.add_alternative(html, subtype="html")
        out.add_alternative(ics, **cal_args)
    elif html is not None:
        out.set_content(html, subtype="html")
        out.add_alternative(ics, **cal_args)
    else:
        out.set_content(ics, **cal_args)
    for part in others:
        maintype, subtype = part.get_content_type().split("/", 1)
        out.add_attachment(
            part.get_payload(decode=True) or b"",
            maintype=maintype,
            subtype=subtype,
            filename=part.get_filename(),
        )
    return out.as_bytes(), "rebuilt"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    try:
        import icalendar  # noqa: PLC0415
    except ImportError as e:
        print(json.dumps({"unavailable": f"icalendar is not installed ({e}); pip install icalendar"}))
        return 0
    print(
        json.dumps(
            {
                "versions": f"Python {sys.version.split()[0]}, icalendar {getattr(icalendar, '__version__', '?')}"
            }
        ),
        flush=True,
    )
    for name in args.names:
        with open(os.path.join(args.dir, name + ".eml"), "rb") as f:
            raw = f.read()
        try:
            start = time.perf_counter()
            _, outcome = relay(raw, icalendar)
            first = time.perf_counter() - start
            if first >= args.budget / 2:
                iterations, seconds = 1, first
            else:
                iterations = 0
                start = time.perf_counter()
                while True:
                    relay(raw, icalendar)
                    iterations += 1
                    seconds = time.perf_counter() - start
                    if seconds >= args.budget and iterations >= 3:
                        break
        except Exception as e:  # noqa: BLE001 - report, never fail the run
            print(json.dumps({"name": name, "error": f"{type(e).__name__}: {e}"}), flush=True)
            continue
        print(
            json.dumps(
                {
                    "name": name,
                    "bytes": len(raw),
                    "iterations": iterations,
                    "seconds": seconds,
                    "outcome": outcome,
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
