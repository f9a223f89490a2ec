// Times in the viewer's own time zone and locale; the server knows neither, so it renders UTC and ISO.
const format = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
});

// "Dec 6, 2026, 3:04 PM EST" in en-US, "6. Dez. 2026, 21:04 MEZ" in de-DE.
export function formatTime(iso) {
    return format.format(new Date(iso));
}

export function formatTimes(isos) {
    return isos.map(formatTime);
}

// Rewrites every <time datetime="..." data-local-time> under root.
export function localizeTimes(root) {
    for (const time of root.querySelectorAll('time[data-local-time]')) {
        time.textContent = formatTime(time.dateTime);
    }
}
