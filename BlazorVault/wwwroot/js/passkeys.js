// Passkey ceremonies for server-rendered forms marked data-passkey="create" or "request": on submit, fetch the
// options from data-passkey-options (with the form's antiforgery token), ask the browser's authenticator, put
// its answer (or the error's name) into the form's hidden fields and post the form as usual. The server checks
// everything; nothing here decides. Delegated from the document, so forms that enhanced navigation adds work too.

const supported = typeof window.PublicKeyCredential === 'function'
    && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
    && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

async function fetchOptions(form) {
    const token = form.querySelector('input[name="__RequestVerificationToken"]')?.value ?? '';
    const response = await fetch(form.dataset.passkeyOptions, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'RequestVerificationToken': token },
    });
    if (!response.ok) {
        throw Object.assign(new Error(`The server answered ${response.status}.`), { name: 'ServerError' });
    }
    return await response.json();
}

async function ceremony(form) {
    if (!supported) {
        throw Object.assign(new Error('No passkey support.'), { name: 'Unsupported' });
    }
    const json = await fetchOptions(form);
    if (form.dataset.passkey === 'create') {
        return await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) });
    }
    return await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) });
}

document.addEventListener('submit', async event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.passkey || form.dataset.passkeyBusy) {
        return;
    }
    event.preventDefault();
    form.dataset.passkeyBusy = 'true';
    form.querySelectorAll('button[type="submit"]').forEach(button => button.disabled = true);
    const credentialField = form.querySelector('[data-passkey-credential]');
    const errorField = form.querySelector('[data-passkey-error]');
    credentialField.value = '';
    errorField.value = '';
    try {
        const credential = await ceremony(form);
        credentialField.value = JSON.stringify(credential);
    } catch (error) {
        console.info('Passkey ceremony ended:', error.name, error.message);
        errorField.value = error.name || 'Error';
    }
    const remember = form.dataset.passkeyRemember && document.querySelector(form.dataset.passkeyRemember);
    const rememberField = form.querySelector('[data-passkey-remember-field]');
    if (remember && rememberField) {
        rememberField.value = remember.checked ? 'true' : 'false';
    }
    form.submit();
});
