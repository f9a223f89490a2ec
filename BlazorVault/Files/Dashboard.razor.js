// The viewer's IANA time zone: the server renders dates, but they should read in the viewer's local time.
export function timeZone() {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
