import { localizeTimes } from '../js/local-time.js';
import { start, cancel } from '../js/tus-upload.js';

// A file request's drop zone: every chosen or dropped file goes up with the dashboard's tus client
// (wwwroot/js/tus-upload.js) to this link's upload endpoint, with progress and a cancel button. An upload cut
// off by a network drop goes on by itself; after a page reload, choosing the same file again resumes it from
// what the server has (the upload's URL is kept in localStorage, under this link).
const form = document.querySelector('[data-testid=request-form]');
const input = document.querySelector('[data-testid=request-files]');
const list = document.querySelector('[data-testid=request-uploads]');
const zone = document.querySelector('[data-testid=request-drop]');
localizeTimes(document);

// The note goes with the first file sent after it was written, not with every file.
let noteSent = '';

function size(bytes) {
    const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
    }

    return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function row(file) {
    const item = document.createElement('li');
    item.className = 'list-group-item';
    item.dataset.testid = 'request-upload';
    const top = document.createElement('div');
    top.className = 'd-flex align-items-center gap-2';
    const name = document.createElement('span');
    name.className = 'text-break me-auto';
    name.dataset.testid = 'request-upload-name';
    name.textContent = file.name;
    const status = document.createElement('span');
    status.className = 'small text-body-secondary text-nowrap';
    status.dataset.testid = 'request-upload-status';
    status.setAttribute('role', 'status');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-sm btn-outline-secondary';
    button.dataset.testid = 'request-upload-cancel';
    button.textContent = 'Cancel';
    button.setAttribute('aria-label', `Cancel ${file.name}`);
    top.append(name, status, button);
    const bar = document.createElement('progress');
    bar.className = 'mt-2';
    bar.max = Math.max(1, file.size);
    bar.value = 0;
    bar.setAttribute('aria-label', `Progress of ${file.name}`);
    item.append(top, bar);
    list.append(item);
    return { item, status, button, bar };
}

function send(file) {
    const view = row(file);
    const name = form.querySelector('#request-name').value.trim();
    const note = form.querySelector('#request-note').value.trim();
    const metadata = {};
    if (name) {
        metadata.name = name;
    }
    if (note && note !== noteSent) {
        metadata.note = note;
        noteSent = note;
    }

    const done = (text, state) => {
        view.status.textContent = text;
        view.item.dataset.state = state;
        view.button.remove();
    };
    view.item.dataset.state = 'running';
    view.status.textContent = `0 of ${size(file.size)}`;
    // What tus-upload.js reports to the dashboard over the circuit, reported here to the page.
    const events = {
        invokeMethodAsync: async (method, value) => {
            if (method === 'Progress') {
                view.bar.value = value;
                view.status.textContent = `${size(value)} of ${size(file.size)}`;
            } else if (method === 'Completed') {
                view.bar.value = view.bar.max;
                done('Sent', 'done');
            } else if (method === 'Failed') {
                done(value, 'failed');
                view.status.className = 'small text-danger';
            }
        },
    };
    const options = {
        endpoint: form.dataset.endpoint,
        scope: `request:${form.dataset.scope}`,
        chunkSize: Number(form.dataset.chunk) || 0,
        metadata,
    };
    const handle = start({ files: [file] }, 0, options, events);
    view.button.addEventListener('click', async () => {
        done('Cancelled', 'cancelled');
        await cancel(handle);
    });
}

input.addEventListener('change', () => {
    for (const file of input.files) {
        send(file);
    }

    // The same file may be chosen again (to resume it after a reload, say).
    input.value = '';
    zone.classList.remove('request-dragging');
});

input.addEventListener('dragenter', () => zone.classList.add('request-dragging'));
input.addEventListener('dragleave', () => zone.classList.remove('request-dragging'));
form.addEventListener('submit', e => e.preventDefault());
