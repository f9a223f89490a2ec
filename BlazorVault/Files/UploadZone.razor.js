// Folder uploads. A folder chosen with the webkitdirectory chooser brings each file's webkitRelativePath;
// a folder dropped on the zone is walked with webkitGetAsEntry, its files put into the zone's file input
// (as if chosen there) and their paths kept on that input, so InputFile and the tus client read them as usual.

export function init(zone) {
    if (zone.dataset.folderDrop) {
        return;
    }

    zone.dataset.folderDrop = 'on';
    // Capture: decide before the drop reaches the input, which would otherwise take only plain files.
    zone.addEventListener('drop', event => {
        const items = [...(event.dataTransfer?.items ?? [])].filter(item => item.kind === 'file');
        // Entries must be taken while the event runs; the data transfer is emptied after it.
        const entries = items.map(item => item.webkitGetAsEntry?.()).filter(entry => entry);
        if (!entries.some(entry => entry.isDirectory)) {
            return;
        }

        event.preventDefault();
        event.stopPropagation();
        const input = zone.querySelector('input[type=file]:not([hidden]):not([webkitdirectory])');
        collect(entries).then(found => {
            const transfer = new DataTransfer();
            for (const { file } of found) {
                transfer.items.add(file);
            }

            input.vaultPaths = found.map(f => f.path);
            input.files = transfer.files;
            input.dispatchEvent(new Event('change', { bubbles: true }));
        });
    }, true);
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
