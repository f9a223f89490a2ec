// The account page is rendered on the server without a circuit: its one bit of behaviour is the copy button of a new token.
for (const button of document.querySelectorAll('[data-copy-target]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
        const field = document.getElementById(button.dataset.copyTarget);
        field.select();
        try {
            await navigator.clipboard.writeText(field.value);
            button.textContent = 'Copied';
        } catch {
            // No clipboard permission (an insecure origin, say): the value is selected, ready for Ctrl+C.
            button.textContent = 'Press Ctrl+C';
        }
    });
}
