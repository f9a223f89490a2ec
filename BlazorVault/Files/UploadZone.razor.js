// The upload zone's page-wide part. Files and folders dropped anywhere on the page go into the zone's
// file input (as if chosen there), with a full-page overlay while files are dragged over it. A dropped
// folder is walked with webkitGetAsEntry and its files' paths kept on that input, so InputFile and the
// tus client read them as usual; a folder chosen with the webkitdirectory chooser brings each file's
// webkitRelativePath. Enter on the focused zone opens the chooser, as Space already does.

export function init(zone) {
    if (zone.dataset.pageDrop) {
        return;
    }

    zone.dataset.pageDrop = 'on';
    let hideTimer = 0;
    const hasFiles = event => [...(event.dataTransfer?.types ?? [])].includes('Files');
    const setDragging = on => {
        clearTimeout(hideTimer);
        document.body.classList.toggle('vault-dragging-files', on);
    };
    const onDragOver = event => {
        if (!zone.isConnected) {
            return stop();
        }

        // Rows dragged within the page (a move) carry no files: they are left to the file list.
        if (!hasFiles(event)) {
            return;
        }

        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDragging(true);
        // dragover repeats while the pointer stays (every 350 ms at most, by the spec); once it stops
        // (Escape, say), hide.
        hideTimer = setTimeout(() => setDragging(false), 1000);
    };
    const onDragLeave = event => {
        // Out of the window (the pointer at its edge or beyond): nothing more to drop here.
        const outside = event.clientX <= 0 || event.clientY <= 0 || event.clientX >= innerWidth || event.clientY >= innerHeight;
        if (outside && hasFiles(event)) {
            setDragging(false);
        }
    };
    const onDrop = event => {
        if (!zone.isConnected) {
            return stop();
        }

        const items = [...(event.dataTransfer?.items ?? [])].filter(item => item.kind === 'file');
        if (items.length === 0 && !(event.dataTransfer?.files?.length > 0)) {
            return;
        }

        event.preventDefault();
        event.stopPropagation();
        setDragging(false);
        // Entries must be taken while the event runs; the data transfer is emptied after it.
        const entries = items.map(item => item.webkitGetAsEntry?.()).filter(entry => entry);
        const input = zone.querySelector('input[type=file]:not([hidden]):not([webkitdirectory])');
        if (!entries.some(entry => entry.isDirectory)) {
            const files = event.dataTransfer.files;
            input.vaultPaths = null;
            input.files = files;
            input.dispatchEvent(new Event('change', { bubbles: true }));
            return;
        }

        collect(entries).then(found => {
            const transfer = new DataTransfer();
            for (const { file } of found) {
                transfer.items.add(file);
            }

            input.vaultPaths = found.map(f => f.path);
            input.files = transfer.files;
            input.dispatchEvent(new Event('change', { bubbles: true }));
        });
    };
    const onKeyDown = event => {
        if (event.key === 'Enter' && event.target instanceof HTMLInputElement && event.target.type === 'file') {
            event.preventDefault();
            event.target.click();
        }
    };
    // Capture: decide before a drop reaches the zone's input, which would otherwise take only plain files.
    document.addEventListener('dragover', onDragOver, true);
    document.addEventListener('drop', onDrop, true);
    document.addEventListener('dragleave', onDragLeave, true);
    zone.addEventListener('keydown', onKeyDown);
    function stop() {
        document.removeEventListener('dragover', onDragOver, true);
        document.removeEventListener('drop', onDrop, true);
        document.removeEventListener('dragleave', onDragLeave, true);
        setDragging(false);
    }

    zone.vaultStopPageDrop = stop;
}

/// The page is left (another page of the app): the page-wide listeners go with it.
export function dispose(zone) {
    zone?.vaultStopPageDrop?.();
}

// Each chosen file's path below the folder it goes into ("" for a file chosen on its own).
export function paths(input) {
    if (input.vaultPaths) {
        return input.vaultPaths;
    }

    return [...input.files].map(file => file.webkitRelativePath || '');
}

async function collect(entries) {
    const found = [];
    const walk = async (entry, prefix) => {
        if (entry.isFile) {
            const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
            found.push({ file, path: prefix + file.name });
        } else if (entry.isDirectory) {
            const reader = entry.createReader();
            // readEntries answers in batches (100 in Chromium) until it answers none.
            for (;;) {
                const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
                if (batch.length === 0) {
                    break;
                }

                for (const child of batch) {
                    await walk(child, prefix + entry.name + '/');
                }
            }
        }
    };
    for (const entry of entries) {
        await walk(entry, '');
    }

    return found;
}
